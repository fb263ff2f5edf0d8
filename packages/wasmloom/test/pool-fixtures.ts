/**
 * What the streaming-pool and pool-option tests share: real modules, a way to
 * make one of their bodies invalid, byte streams that arrive slowly or hang,
 * and pools that answer out of order or count their work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type FunctionBody, type ModuleEnv, parseModule, WasmError } from '@wasmloom/binary';
import type { BatchMode, CompiledBatch, CompilePool, EnvHandle } from '@wasmloom/pool';
import type { CompiledCode } from '@wasmloom/runtime';
import { backgroundEmission } from '../src/background-emit.js';
import { emitAll } from '../src/emit.js';

const benchmarkModule = (path: string) =>
  fileURLToPath(new URL(`../../../benchmarks/node_modules/${path}`, import.meta.url));

export const SQL_WASM = benchmarkModule('sql.js/dist/sql-wasm.wasm');
export const ESBUILD_WASM = benchmarkModule('esbuild-wasm/esbuild.wasm');
/** The faulty compile worker of the pool's tests: bodies that are `i32.const 666001` kill the thread. */
export const FAULTY_WORKER = fileURLToPath(
  new URL('../../pool/test/fixtures/faulty-worker.mjs', import.meta.url),
);

export function readModule(path: string): Uint8Array | undefined {
  return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
}

/** The module's function bodies (views of `bytes`), in index order. */
export function bodiesOf(bytes: Uint8Array): FunctionBody[] {
  return parseModule(bytes).bodies;
}

function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/**
 * A copy of `bytes` in which the body of function `funcIndex` starts with
 * `i32.add` on an empty stack: still well formed, now invalid, and the error
 * is at that byte.
 */
export function withInvalidBody(bytes: Uint8Array, funcIndex: number): Uint8Array {
  const body = bodiesOf(bytes).find((b) => b.index === funcIndex);
  if (body === undefined) throw new Error(`no body for function ${funcIndex}`);
  // Skip the local declarations: a count of groups, each a count and a one-byte value type.
  let [groups, at] = readU32(body.bytes, 0);
  for (; groups > 0; groups--) {
    [, at] = readU32(body.bytes, at);
    if (![0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f].includes(body.bytes[at])) {
      throw new Error(`function ${funcIndex} declares locals of a type this helper cannot skip`);
    }
    at++;
  }
  if (body.bytes[at] === 0x0b) throw new Error(`function ${funcIndex} is empty: pick another`);
  const copy = bytes.slice();
  copy[body.offset + at] = 0x6a; // i32.add
  return copy;
}

/**
 * The outcome of a compile as plain data: every source (those the background
 * emission on a pool has not made, emitted here), or the error's identity.
 */
export async function outcome(p: Promise<CompiledCode>): Promise<unknown> {
  try {
    const code = await p;
    await backgroundEmission(code);
    emitAll(code);
    return { sources: code.sources };
  } catch (e) {
    return e instanceof WasmError
      ? { kind: e.kind, offset: e.offset, funcIndex: e.funcIndex, message: e.message }
      : e;
  }
}

/** `bytes` in slices of `size`, each a fresh copy. */
export function* slices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface StreamLog {
  /** When the last byte was handed out (performance.now()), 0 before. */
  lastByteAt: number;
  cancelled: unknown[];
}

/**
 * A byte stream delivering `size` bytes every `everyMs`, optionally erroring
 * or hanging (never answering) once `stopAt` bytes are out.
 */
export function throttled(
  bytes: Uint8Array,
  size: number,
  everyMs: number,
  options: { stopAt?: number; error?: Error } = {},
): { stream: ReadableStream<Uint8Array>; log: StreamLog } {
  const log: StreamLog = { lastByteAt: 0, cancelled: [] };
  let at = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (options.stopAt !== undefined && at >= options.stopAt) {
          if (options.error) controller.error(options.error);
          else await new Promise(() => {});
          return;
        }
        if (at >= bytes.length) {
          controller.close();
          return;
        }
        await sleep(everyMs);
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
        if (at >= bytes.length) log.lastByteAt = performance.now();
      },
      cancel(reason) {
        log.cancelled.push(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, log };
}

export const wasmResponse = (body: ReadableStream<Uint8Array> | Uint8Array, headers: HeadersInit = {}) =>
  new Response(body as BodyInit, { headers: { 'Content-Type': 'application/wasm', ...headers } });

export interface DelayingPoolOptions {
  /** Milliseconds to hold back the answer of `batch` (validated or compiled: `mode`); default 0. */
  delay?: (batch: FunctionBody[], mode: BatchMode) => number;
  /** An error to reject `batch` with instead of compiling it (a crash, say). */
  fail?: (batch: FunctionBody[]) => Error | undefined;
  /** What `idleSlots` says; default the inner pool's (an InlinePool's is 0: batches fill up). */
  idleSlots?: number;
}

/**
 * A pool that passes batches to `inner` and holds each answer back for
 * `delay(batch)` ms, so that batches finish in an order of the test's
 * choosing, or fails them. Counts what it is asked.
 */
export class DelayingPool implements CompilePool {
  /** Batches asked for, and those of them that emit JS (the background emission's). */
  batches = 0;
  emitBatches = 0;
  opened = 0;
  released = 0;
  constructor(
    private readonly inner: CompilePool,
    private readonly options: DelayingPoolOptions = {},
  ) {}

  get idleSlots(): number {
    return this.options.idleSlots ?? this.inner.idleSlots;
  }

  open(env: ModuleEnv): EnvHandle {
    this.opened++;
    return this.inner.open(env);
  }

  async compile(
    handle: EnvHandle,
    batch: FunctionBody[],
    signal?: AbortSignal,
    mode?: BatchMode,
  ): Promise<CompiledBatch> {
    this.batches++;
    if (mode === 'compile') this.emitBatches++;
    const ms = this.options.delay?.(batch, mode ?? 'compile') ?? 0;
    const error = this.options.fail?.(batch);
    const result = error === undefined ? await this.inner.compile(handle, batch, signal, mode) : undefined;
    if (ms > 0) await sleep(ms);
    if (error !== undefined) throw error;
    return result!;
  }

  release(handle: EnvHandle): void {
    this.released++;
    this.inner.release(handle);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A seeded pseudo-random number generator (mulberry32), for orders that repeat. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
