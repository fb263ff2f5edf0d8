/**
 * `createWebAssembly`'s options, and where a namespace's function bodies are
 * validated and their JS emitted (tiered loading). The standard API has no
 * room for these, so they are per namespace.
 *
 * - Validation (what a Module waits for) is on the calling thread unless a
 *   code section reaches `inlineThreshold` (default: never): validating is
 *   the decoder with the null emitter, cheaper than sending the bodies to
 *   threads that must warm the compiler up first (2 threads validated sql.js
 *   at 0.25x the calling thread's speed with a JIT, 0.48x under --jitless).
 * - JS emission: on the calling thread at a function's first call; with a
 *   pool, code sections from 256 KiB on also have it done there in the
 *   background (`background-emit.ts`).
 * - `workers: 0`: no pool. `workers: n`: a pool of n threads (piscina in
 *   Node, Web Workers in a browser), shared by every namespace of this realm
 *   that asks for n.
 * - neither `workers` nor `pool`: one thread fewer than the machine has
 *   (`os.availableParallelism()`, `navigator.hardwareConcurrency`), and no
 *   pool when that leaves fewer than 2 (the core left over is for the calling
 *   thread and for V8's background threads; on 2 cores: no pool).
 * - `pool`: the caller's own `CompilePool`, or (Node) a piscina instance to
 *   run on. The caller closes it; wasmloom never does.
 *
 * A pool is made at the first compile that needs one and its threads leave
 * after 5 s idle, never keeping a process alive.
 *
 * Not here: the pool itself (@wasmloom/pool), which pool a browser build gets
 * (pool-browser.ts), the streaming driver (streaming.ts).
 */
import type { Features } from '@wasmloom/binary';
import type { CompilePool } from '@wasmloom/pool';
import { platform } from './pool-node.js';

/** How far a compile has got, reported after every chunk read and every batch compiled. */
export interface CompileProgress {
  /** Bytes of the module read so far. */
  bytesReceived: number;
  /** The module's size when known: a buffer's length, or a response's Content-Length (if not content-encoded). */
  bytesTotal?: number;
  /** Function bodies validated so far: the module exists once all are. */
  functionsValidated: number;
  /** Function bodies whose JS has been emitted (in the background on the pool, after the module exists). */
  functionsEmitted: number;
  /** Function bodies of the module: 0 until the code section starts. */
  functionsTotal: number;
}

/** The part of a piscina instance this package relies on to tell it from a CompilePool. */
export interface PiscinaLike {
  run(task: unknown, options?: unknown): Promise<unknown>;
  destroy(): Promise<void>;
}

export interface WebAssemblyOptions {
  /** Overrides of `DEFAULT_FEATURES` (WebAssembly 2.0 as Node 20 accepts it). */
  features?: Partial<Features>;
  /** Compile threads: 0 compiles on the calling thread; default: hardware threads − 1 (inline below 2). */
  workers?: number;
  /** A compile pool of the caller's (or, in Node, a piscina instance to run one on), instead of `workers`. */
  pool?: CompilePool | PiscinaLike;
  /**
   * Code sections of this many bytes or more are validated on the pool; default:
   * always on the calling thread (faster: sending bodies to threads costs more
   * than validating them). With a pool, code sections from 256 KiB on have
   * their JS emitted there in the background either way.
   */
  inlineThreshold?: number;
  /** Called as a compile of this namespace (`compile`, `compileStreaming`, `instantiate*`) progresses. */
  onProgress?: (progress: CompileProgress) => void;
}

/** What differs between Node and browsers: pool-node.ts and pool-browser.ts each export one. */
export interface PoolPlatform {
  readonly name: 'node' | 'browser';
  hardwareThreads(): number;
  startPool(size: number): CompilePool;
  poolOnPiscina(piscina: PiscinaLike): CompilePool;
}

/** Where a namespace's compiles go, resolved from its options. */
export interface CompileSettings {
  /** The pool for modules big enough for one (made on first call), or null: all inline. */
  pool: () => CompilePool | null;
  inlineThreshold: number;
  onProgress: ((progress: CompileProgress) => void) | undefined;
}

/** Pools made from `workers` (or the default), by thread count, shared by the namespaces of this realm. */
const sharedPools = new Map<number, CompilePool>();

function sharedPool(size: number): CompilePool {
  let pool = sharedPools.get(size);
  if (pool === undefined) {
    pool = platform.startPool(size);
    sharedPools.set(size, pool);
  }
  return pool;
}

function isCompilePool(p: object): p is CompilePool {
  const o = p as Record<string, unknown>;
  return typeof o.open === 'function' && typeof o.compile === 'function' && typeof o.release === 'function';
}

function isPiscina(p: object): p is PiscinaLike {
  const o = p as Record<string, unknown>;
  return typeof o.run === 'function' && typeof o.destroy === 'function';
}

function nonNegativeInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`createWebAssembly: \`${name}\` must be a number`);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`createWebAssembly: \`${name}\` must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** Checks the compile options (TypeError, RangeError) and decides where compiles go. */
export function compileSettings(options: WebAssemblyOptions): CompileSettings {
  const { workers, pool, inlineThreshold, onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError('createWebAssembly: `onProgress` must be a function');
  }
  const threshold =
    inlineThreshold === undefined
      ? Number.POSITIVE_INFINITY
      : nonNegativeInteger(inlineThreshold, 'inlineThreshold');
  const settings = (get: () => CompilePool | null): CompileSettings => ({
    pool: get,
    inlineThreshold: threshold,
    onProgress,
  });

  if (pool !== undefined) {
    if (workers !== undefined) throw new TypeError('createWebAssembly: give `workers` or `pool`, not both');
    if (typeof pool === 'object' && pool !== null) {
      if (isCompilePool(pool)) return settings(() => pool);
      if (isPiscina(pool)) {
        let onPiscina: CompilePool | undefined;
        return settings(() => {
          onPiscina ??= platform.poolOnPiscina(pool);
          return onPiscina;
        });
      }
    }
    throw new TypeError('createWebAssembly: `pool` must be a CompilePool or a piscina instance');
  }
  if (workers !== undefined) {
    const size = nonNegativeInteger(workers, 'workers');
    return settings(() => (size === 0 ? null : sharedPool(size)));
  }
  // Default: a core left for the calling thread and V8's background work (see above).
  let size: number | undefined;
  return settings(() => {
    size ??= platform.hardwareThreads() - 1;
    return size >= 2 ? sharedPool(size) : null;
  });
}
