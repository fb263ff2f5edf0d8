/**
 * The streaming compile driver: bytes in chunks of any size → `CompiledCode`,
 * as soon as every body is valid (tiered loading: the bodies are validated
 * here, the null emitter, and kept; their JS is emitted afterwards, on the
 * pool in the background and on the calling thread at a first call, emit.ts).
 *
 * Chunks go straight into the binary package's `ModuleDecoder`, which keeps
 * only the unconsumed tail of the input and hands over each function body as
 * soon as its last byte has arrived, while later bytes are still on their way.
 * Where a body is validated is decided once, when the code section starts and
 * its size is known:
 * - inline, at once, on this thread: without a pool, or when the code section
 *   is under `inlineThreshold` (by default every one: threads cost more than
 *   they save for validation alone);
 * - else on the pool, in batches made by the pool's `Batcher` (by byte size,
 *   big bodies alone and at once); the module is assembled when the last
 *   batch has answered.
 *
 * The contract, whatever compiles:
 * - resolves to `{ module, env, sources, bodies }` once every body is valid,
 *   `sources` all missing yet (`bodies` holds what emits them); the sources
 *   emitted later are the same for any number of workers and any order in
 *   which batches finish;
 * - rejects with the `WasmError` the synchronous compile (decode.ts) throws:
 *   the one at the lowest byte offset. The parser meets bytes in offset
 *   order, and a body's error is the synchronous path's as soon as that body
 *   has arrived, so: the invalid function with the lowest index among the
 *   bodies that arrived, else the decoder's error. A pool answers per batch
 *   with the batch's lowest invalid function; function k's error is the
 *   module's once every body before k has answered valid (`PooledBodies`).
 *   Bytes after a known invalid body cannot change that: reading stops;
 * - a batch whose worker dies (a crash, its heap limit) is validated on this
 *   thread instead: a valid module still compiles, an invalid one still
 *   gets its error;
 * - rejects with another pool failure (a `PoolError`) when no body before
 *   the failed batch is invalid, known as soon as those bodies have answered
 *   (reading stops at the failure);
 * - rejects at once with what the chunk source throws (a network error) and
 *   with `signal.reason` on abort.
 * On every rejection the source is cancelled (a download stops) and the
 * module's waiting batches are dropped from the pool.
 *
 * Not here: the JS API's argument checks and error classes (namespace.ts,
 * response.ts), which pool (options.ts), instantiation (the runtime).
 */
import {
  CodeBodiesBuilder,
  type Features,
  type FunctionBody,
  IMPL_LIMITS,
  ModuleDecoder,
  type ModuleEnv,
  type ParsedModule,
  WasmError,
} from '@wasmloom/binary';
import { validateFunction } from '@wasmloom/compiler';
import type { CompiledBatch, CompileErrorInfo, CompilePool, EnvHandle } from '@wasmloom/pool';
import type { CompiledCode } from '@wasmloom/runtime';
import { emitInBackground } from './background-emit.js';
import './emit.js';
import type { CompileProgress } from './options.js';
import { Batcher, INLINE_THRESHOLD_BYTES } from './pool-node.js';

/** Code sections from this size on have their JS emitted in the background when there is a pool. */
const EMIT_ON_POOL_BYTES = INLINE_THRESHOLD_BYTES;

/** What `compileChunks` reads: a byte stream, or (async) iterables of byte chunks. */
export type ChunkSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface CompileChunksOptions {
  /** Stops reading and compiling; the promise rejects with `signal.reason` at once. */
  signal?: AbortSignal;
  /**
   * Where bodies compile when the code section reaches `inlineThreshold`: a
   * pool, or a function that gives one (called then, once; null means inline).
   * Default: inline.
   */
  pool?: CompilePool | (() => CompilePool | null) | null;
  /**
   * Code sections of this many bytes or more are validated on the pool (when
   * there is one); default: none (validating inline is faster than sending the
   * bodies to threads, measured: benchmarks/README.md).
   */
  inlineThreshold?: number;
  /** The module's size, when known, for `onProgress`. */
  bytesTotal?: number;
  /** Called after each chunk is decoded and each batch has answered. */
  onProgress?: (progress: CompileProgress) => void;
}

/** A Uint8Array of this realm or another one (a vm context, a worker's transferred view). */
function isUint8Array(v: unknown): v is Uint8Array {
  return (
    v instanceof Uint8Array ||
    (ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Uint8Array]')
  );
}

/**
 * Decodes and compiles a module from `chunks` as they arrive. Chunks may be
 * reused by their producer once the next one is requested (the decoder copies
 * what it keeps).
 */
export function compileChunks(
  chunks: ChunkSource,
  features: Features,
  options: CompileChunksOptions = {},
): Promise<CompiledCode> {
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  return new StreamingCompile(features, options).run(chunks);
}

// ---- Reading chunks --------------------------------------------------------------

const END = Symbol('end');
const STOPPED = Symbol('stopped');

/** Every kind of chunk source read one way, and stopped early one way. */
interface ChunkReader {
  /** The next chunk (not checked yet), or END. */
  read(): Promise<unknown>;
  /** Stops the source before its end: a stream is cancelled (a pending read ends), an iterator returned. */
  cancel(reason: unknown): void;
}

function isReadableStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof (v as ReadableStream | null)?.getReader === 'function';
}

function chunkReader(source: ChunkSource): ChunkReader {
  if (isReadableStream(source)) {
    // A reader, not the stream's async iterator: cancelling that waits for a pending read.
    const reader = source.getReader();
    return {
      read: () => reader.read().then((step) => (step.done ? END : step.value)),
      cancel: (reason) => void reader.cancel(reason).catch(() => {}),
    };
  }
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  return {
    async read() {
      const step = await iterator.next();
      return step.done ? END : await step.value;
    },
    cancel() {
      // Not awaited: an async generator's return waits for a pending next. An
      // idle generator (suspended at a yield) runs its `finally` right away.
      try {
        Promise.resolve(iterator.return?.()).catch(() => {});
      } catch {}
    },
  };
}

/** Lets pool answers in and batches out while a big buffer or a fast stream is decoded. */
const YIELD_AFTER_MS = 5;

/** Milliseconds, for the slices above; Hermes has no `performance`. */
const now: () => number =
  typeof performance === 'object' && typeof performance?.now === 'function'
    ? () => performance.now()
    : () => Date.now();

function nextMacrotask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

// ---- The driver --------------------------------------------------------------------

class StreamingCompile {
  private readonly decoder: ModuleDecoder;
  private readonly signal: AbortSignal | undefined;
  private readonly onProgress: ((progress: CompileProgress) => void) | undefined;
  private readonly bytesTotal: number | undefined;
  private readonly inlineThreshold: number;
  private getPool: (() => CompilePool | null) | null;

  private env: ModuleEnv | null = null;
  /** Every body, kept to emit its JS from after the module exists. */
  private bodies: CodeBodiesBuilder | null = null;
  /** Bodies validated inline (when `pooled` is null). */
  private validatedInline = 0;
  private pooled: PooledBodies | null = null;
  /** The pool that emits the JS in the background when the bodies are validated inline. */
  private emitPool: CompilePool | null = null;

  private bytesReceived = 0;
  private reader: ChunkReader | null = null;
  /** Reading has stopped: at the end of the bytes, or early. */
  private readingDone = false;
  /** The source has ended, or was cancelled. */
  private sourceClosed = false;
  /** Ends a wait for the next chunk (the outcome is known, or abort). */
  private wake: (() => void) | null = null;
  private parsed: ParsedModule | null = null;
  private decodeError: WasmError | null = null;

  private settled = false;
  private resolve!: (code: CompiledCode) => void;
  private reject!: (error: unknown) => void;
  private readonly onAbort = () => this.fail(this.signal!.reason);

  constructor(features: Features, options: CompileChunksOptions) {
    this.signal = options.signal;
    this.onProgress = options.onProgress;
    this.bytesTotal = options.bytesTotal;
    this.inlineThreshold = options.inlineThreshold ?? Number.POSITIVE_INFINITY;
    const { pool } = options;
    this.getPool = pool == null ? null : typeof pool === 'function' ? pool : () => pool;
    this.decoder = new ModuleDecoder({
      features,
      keepBodies: false,
      onEnv: (env) => this.start(env),
      onBody: (body) => this.take(body),
    });
  }

  run(chunks: ChunkSource): Promise<CompiledCode> {
    const result = new Promise<CompiledCode>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.read(chunks).then(
      () => {
        this.readingDone = true;
        this.closeSource(undefined);
        this.pooled?.flush();
        this.check();
      },
      (e) => this.fail(e),
    );
    return result;
  }

  /**
   * At the code section start (or the end, without one): where the bodies are
   * validated (inline, unless the section reaches `inlineThreshold` and there
   * is a pool), and whether a pool emits their JS in the background (from
   * `EMIT_ON_POOL_BYTES` of code, or with pooled validation).
   */
  private start(env: ModuleEnv): void {
    this.env = env;
    const code = this.decoder.codeSection;
    if (code === null || code.count === 0) return;
    const size = code.end - code.contentOffset;
    this.bodies = new CodeBodiesBuilder(env.numImportedFuncs, code.count, size);
    if (size < this.inlineThreshold && size < EMIT_ON_POOL_BYTES) return;
    const pool = this.getPool?.() ?? null;
    this.getPool = null;
    if (pool === null) return;
    if (size >= this.inlineThreshold)
      this.pooled = new PooledBodies(pool, env, code.count, () => this.answered());
    else this.emitPool = pool;
  }

  private take(body: FunctionBody): void {
    // onEnv always runs before the first body (the env freezes at the code section).
    this.bodies!.add(body);
    if (this.pooled !== null) {
      this.pooled.add(body);
    } else {
      validateFunction(this.env!, body.index, body);
      this.validatedInline++;
    }
  }

  /** Reads and decodes until the end, an error, or the outcome is known. */
  private async read(chunks: ChunkSource): Promise<void> {
    const reader = chunkReader(chunks);
    this.reader = reader;
    let sliceStart = now();
    for (;;) {
      const chunk = await this.next(reader);
      if (chunk === STOPPED) return;
      if (chunk === END) break;
      if (!isUint8Array(chunk)) {
        throw new TypeError(
          `compileChunks: chunks must be Uint8Arrays, got ${Object.prototype.toString.call(chunk)}`,
        );
      }
      this.bytesReceived += chunk.length;
      try {
        if (this.bytesReceived > IMPL_LIMITS.moduleSize) {
          const size = `size > maximum module size (${IMPL_LIMITS.moduleSize}): ${this.bytesReceived}`;
          throw new WasmError('malformed', size, IMPL_LIMITS.moduleSize);
        }
        this.decoder.push(chunk);
      } catch (e) {
        this.decodeFailed(e);
        return;
      }
      // Bodies waiting for a fuller batch go to idle workers now: the next bytes may take a while.
      this.pooled?.flushIfIdle();
      this.progress();
      if (now() - sliceStart > YIELD_AFTER_MS) {
        await nextMacrotask();
        sliceStart = now();
      }
    }
    this.sourceClosed = true;
    try {
      this.parsed = this.decoder.finish();
    } catch (e) {
      this.decodeFailed(e);
    }
  }

  /** The next chunk, or STOPPED as soon as reading is of no more use. */
  private next(reader: ChunkReader): Promise<unknown> {
    if (this.stopped()) return Promise.resolve(STOPPED);
    return new Promise<unknown>((resolve, reject) => {
      this.wake = () => resolve(STOPPED);
      reader.read().then(resolve, reject);
    }).finally(() => {
      this.wake = null;
    });
  }

  private stopped(): boolean {
    return this.settled || this.pooled?.problem != null;
  }

  /** A WasmError is the module's answer (given no earlier body fails); anything else fails the compile. */
  private decodeFailed(e: unknown): void {
    if (!(e instanceof WasmError)) throw e;
    this.decodeError = e;
  }

  /** A batch has answered. */
  private answered(): void {
    if (!this.readingDone) this.pooled?.flushIfIdle();
    this.progress();
    if (this.stopped()) this.wake?.();
    this.check();
  }

  /** Settles once the outcome is known. */
  private check(): void {
    if (this.settled) return;
    const pooled = this.pooled;
    const problem = pooled?.decidedProblem() ?? null;
    if (problem?.invalid !== undefined) {
      const { kind, message, offset, funcIndex } = problem.invalid;
      this.fail(new WasmError(kind, message, offset, funcIndex));
    } else if (problem !== null) {
      this.fail(problem.failure);
    } else if (this.readingDone && (pooled === null || pooled.allAnswered())) {
      if (this.decodeError !== null) this.fail(this.decodeError);
      else this.succeed();
    }
  }

  private succeed(): void {
    // Reading stops early only once settled or with a problem known, which is decided before this.
    const parsed = this.parsed!;
    this.settled = true;
    this.cleanUp();
    const count = parsed.module.functions.length;
    const code: CompiledCode = { module: parsed.module, env: parsed.env, sources: new Array(count) };
    if (this.bodies !== null) code.bodies = this.bodies.finish();
    this.bodies = null;
    // The pool goes on, in the background: the module's sources.
    const bytes = { bytesReceived: this.bytesReceived, bytesTotal: this.bytesTotal };
    if (this.pooled !== null)
      emitInBackground(code, this.pooled.pool, this.pooled.handle, this.onProgress, bytes);
    else if (this.emitPool !== null) {
      let handle: EnvHandle | null = null;
      try {
        handle = this.emitPool.open(parsed.env);
      } catch {
        // A pool closed meanwhile: the sources are emitted at first calls.
      }
      if (handle !== null) emitInBackground(code, this.emitPool, handle, this.onProgress, bytes);
    }
    this.resolve(code);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanUp();
    this.pooled?.cancel(error);
    this.closeSource(error);
    this.wake?.();
    this.reject(error);
  }

  /** Stops a source that has not ended: a download stops too. */
  private closeSource(reason: unknown): void {
    if (this.sourceClosed || this.reader === null) return;
    this.sourceClosed = true;
    this.reader.cancel(reason);
  }

  private cleanUp(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private progress(): void {
    if (this.onProgress === undefined || this.settled) return;
    const progress: CompileProgress = {
      bytesReceived: this.bytesReceived,
      functionsValidated: this.pooled?.validated ?? this.validatedInline,
      functionsEmitted: 0,
      functionsTotal: this.decoder.codeSection?.count ?? 0,
    };
    if (this.bytesTotal !== undefined) progress.bytesTotal = this.bytesTotal;
    try {
      this.onProgress(progress);
    } catch (e) {
      this.fail(e);
    }
  }
}

// ---- Bodies on a pool ------------------------------------------------------------

interface RunningBatch {
  indices: number[];
  lowest: number;
  controller: AbortController;
  /** The bodies, kept until the batch answers: validated here if its worker dies. */
  bodies: FunctionBody[];
}

/** A pool failure that says the worker died (a crash, its heap limit), not that the module is wrong. */
function workerDied(failure: unknown): boolean {
  const code = (failure as { code?: unknown } | null)?.code;
  return code === 'WORKER_CRASHED' || code === 'WORKER_OUT_OF_MEMORY';
}

/** What went wrong at function `at`: it is invalid, or the batch starting there failed (`failure`). */
export type BodyProblem =
  | { at: number; invalid: CompileErrorInfo; failure?: undefined }
  | { at: number; invalid?: undefined; failure: unknown };

/**
 * A module's bodies validated on a pool, and what the compile's outcome is
 * when something goes wrong. A batch answers for its
 * own lowest invalid function only (its bodies before that one are valid), or
 * fails as a whole (a worker crash), and batches answer in any order. So the
 * problem at the lowest function index decides, once every body before it has
 * answered: the same invalid function is reported whatever the batch sizes,
 * the number of workers and the order batches finish in, and a failed batch
 * only fails the compile when no body before it is invalid.
 */
class PooledBodies {
  validated = 0;
  /** The problem at the lowest function index seen so far. */
  problem: BodyProblem | null = null;

  readonly handle: EnvHandle;
  private readonly batcher: Batcher;
  private readonly base: number;
  /** 1 for a body whose answer is in (or no longer matters). */
  private readonly answers: Uint8Array;
  private added = 0;
  /** Position of the first body whose answer is not in. */
  private frontier = 0;
  private readonly running = new Set<RunningBatch>();
  private closed = false;

  constructor(
    readonly pool: CompilePool,
    private readonly env: ModuleEnv,
    count: number,
    private readonly onAnswer: () => void,
  ) {
    this.base = env.numImportedFuncs;
    this.answers = new Uint8Array(count);
    this.handle = pool.open(env);
    this.batcher = new Batcher({ idleSlots: () => pool.idleSlots, onBatch: (batch) => this.send(batch) });
  }

  add(body: FunctionBody): void {
    this.added++;
    this.batcher.add(body);
  }

  /** Sends what the batcher holds: no more bodies are coming. */
  flush(): void {
    this.batcher.flush();
  }

  /** Sends what the batcher holds if a worker would otherwise idle. */
  flushIfIdle(): void {
    if (this.pool.idleSlots > 0) this.batcher.flush();
  }

  /** The problem that decides the outcome, once no body before it can still turn out invalid. */
  decidedProblem(): BodyProblem | null {
    if (this.problem === null) return null;
    this.advance();
    return this.frontier >= this.problem.at - this.base ? this.problem : null;
  }

  /** Every body added so far has answered. */
  allAnswered(): boolean {
    this.advance();
    return this.frontier === this.added;
  }

  /** Failure or abort: drop every batch still waiting, then forget the module. */
  cancel(reason: unknown): void {
    if (this.closed) return;
    this.closed = true;
    const running = [...this.running];
    this.running.clear();
    for (const run of running) run.controller.abort(reason);
    this.pool.release(this.handle);
  }

  private send(batch: FunctionBody[]): void {
    if (this.closed) return;
    if (this.problem !== null) {
      // Only bodies before the problem can still change the outcome.
      const at = this.problem.at;
      for (const body of batch) if (body.index > at) this.answers[body.index - this.base] = 1;
      batch = batch.filter((body) => body.index < at);
      if (batch.length === 0) return;
    }
    const indices = batch.map((body) => body.index);
    // Batches hold bodies in arrival order, which is index order.
    const run: RunningBatch = {
      indices,
      lowest: indices[0],
      controller: new AbortController(),
      bodies: batch,
    };
    this.running.add(run);
    let answer: Promise<CompiledBatch>;
    try {
      answer = this.pool.compile(this.handle, batch, run.controller.signal, 'validate');
    } catch (e) {
      answer = Promise.reject(e);
    }
    answer.then(
      (result) => this.take(run, result),
      (error) => this.lose(run, error),
    );
  }

  private take(run: RunningBatch, result: CompiledBatch): void {
    if (!this.running.delete(run)) return; // dropped: its answer no longer matters
    run.bodies = [];
    const invalid = result.error;
    if (invalid !== undefined) {
      this.report({ at: invalid.funcIndex, invalid });
    } else {
      this.validated += run.indices.length;
    }
    this.markAnswered(run);
    this.onAnswer();
  }

  /** A failed batch: its bodies never answer, so the frontier stops at it. */
  private lose(run: RunningBatch, failure: unknown): void {
    if (this.running.has(run) && workerDied(failure)) {
      // A worker died on these bodies (a valid module may take more memory or
      // stack than a worker has): they are validated here instead.
      let here: CompiledBatch | undefined;
      try {
        here = this.validateHere(run.bodies);
      } catch (e) {
        failure = e;
      }
      if (here !== undefined) {
        this.take(run, here);
        return;
      }
    }
    if (!this.running.delete(run)) return;
    this.report({ at: run.lowest, failure });
    this.onAnswer();
  }

  /** A batch validated on this thread, answered as a worker would: its first invalid function, if any. */
  private validateHere(bodies: readonly FunctionBody[]): CompiledBatch {
    for (const body of bodies) {
      try {
        validateFunction(this.env, body.index, body);
      } catch (e) {
        if (!(e instanceof WasmError)) throw e;
        const { kind, message, offset } = e;
        return { sources: [], error: { kind, message, offset, funcIndex: e.funcIndex ?? body.index } };
      }
    }
    return { sources: [] };
  }

  private report(problem: BodyProblem): void {
    if (this.problem !== null && this.problem.at <= problem.at) return;
    this.problem = problem;
    // Batches that hold only functions after it cannot matter any more.
    for (const run of [...this.running]) {
      if (run.lowest <= problem.at) continue;
      this.running.delete(run);
      this.markAnswered(run);
      run.controller.abort();
    }
  }

  private markAnswered(run: RunningBatch): void {
    for (const index of run.indices) this.answers[index - this.base] = 1;
  }

  private advance(): void {
    while (this.frontier < this.added && this.answers[this.frontier] === 1) this.frontier++;
  }
}
