/**
 * The pool without workers: each batch compiles on the calling thread, during
 * the `compile` call. For small modules, where starting workers costs more
 * than it saves (see `INLINE_THRESHOLD_BYTES`), for environments without
 * workers, and for tests. Same answers as the worker pools, byte for byte.
 */
import type { FunctionBody, ModuleEnv } from '@wasmloom/binary';
import { compileBodies } from './compile-batch.js';
import { describeWork, PoolErrors } from './errors.js';
import { OpenModules } from './open-modules.js';
import type { BatchMode, CompiledBatch, CompilePool, EnvHandle } from './pool.js';

let nextId = 0;

class InlineModule implements EnvHandle {
  readonly envId = `inline.${nextId++}`;
  released = false;
  constructor(readonly env: ModuleEnv) {}
}

export class InlinePool implements CompilePool {
  private readonly modules = new OpenModules((h): h is InlineModule => h instanceof InlineModule);
  private closed = false;

  /** Work never waits here, so there is never an idle slot to fill early. */
  readonly idleSlots = 0;

  open(env: ModuleEnv): EnvHandle {
    if (this.closed) throw PoolErrors.closed();
    return this.modules.add(new InlineModule(env));
  }

  compile(
    handle: EnvHandle,
    batch: FunctionBody[],
    signal?: AbortSignal,
    mode: BatchMode = 'compile',
  ): Promise<CompiledBatch> {
    if (this.closed) return Promise.reject(PoolErrors.closed());
    const module = this.modules.lookup(handle);
    if (module instanceof Error) return Promise.reject(module);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let reply: ReturnType<typeof compileBodies>;
    try {
      reply = compileBodies(module.env, batch, mode === 'validate');
    } catch (e) {
      return Promise.reject(PoolErrors.internal(describeWork(batch.map((b) => b.index)), e));
    }
    return Promise.resolve(
      reply.type === 'compiled' ? { sources: reply.sources } : { sources: [], error: reply.error },
    );
  }

  release(handle: EnvHandle): void {
    this.modules.release(handle);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.modules.clear();
  }
}
