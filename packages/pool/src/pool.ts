/**
 * The contract every compile pool keeps, whatever runs the work (the calling
 * thread, Node worker threads, Web Workers): register a module's ModuleEnv
 * once, compile batches of its function bodies, get each body's JS source by
 * position or the batch's first invalid function in index order.
 *
 * Not here: which bodies go together (batcher.ts), how bytes reach a worker
 * (protocol.ts), and how the batches of one module make one result (the
 * streaming driver in `wasmloom`).
 */
import type { FunctionBody, ModuleEnv, WasmErrorKind } from '@wasmloom/binary';

/** A module registered with `CompilePool.open`. Opaque: pass it back to the pool that made it. */
export interface EnvHandle {
  readonly envId: string;
}

/** The first invalid function of a batch, as plain data (a WasmError does not survive postMessage). */
export interface CompileErrorInfo {
  kind: WasmErrorKind;
  message: string;
  /** Absolute byte offset in the module. */
  offset: number;
  funcIndex: number;
}

export interface CompiledBatch {
  /**
   * `sources[i]` is the JS source of `batch[i]`. Empty when `error` is set
   * (a module with an invalid function has no use for the others) and for a
   * batch that was only validated.
   */
  sources: string[];
  /** The invalid function with the lowest index in the batch, if any. */
  error?: CompileErrorInfo;
}

/**
 * What a batch is for: `compile` validates and emits each body's source;
 * `validate` only validates (the decoder with the null emitter), the first
 * tier of loading.
 */
export type BatchMode = 'compile' | 'validate';

export interface CompilePool {
  /** Registers a module. Workers receive `env` once each, on their first batch of that module. */
  open(env: ModuleEnv): EnvHandle;
  /**
   * Compiles `batch` (bodies of the module behind `handle`). Rejects with a
   * PoolError when the pool fails (worker crash, out of memory, closed,
   * released), with `signal.reason` when `signal` aborts, and never because a
   * body is invalid: that is `CompiledBatch.error`.
   */
  compile(
    handle: EnvHandle,
    batch: FunctionBody[],
    signal?: AbortSignal,
    mode?: BatchMode,
  ): Promise<CompiledBatch>;
  /** Forgets the module: its queued batches reject, workers drop its env. */
  release(handle: EnvHandle): void;
  /** Batches that could start now without waiting (0 when every worker is busy). */
  readonly idleSlots: number;
  /** Rejects everything queued or running, stops the workers this pool started. */
  close(): Promise<void>;
}
