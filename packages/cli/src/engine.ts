/**
 * The engines the commands run modules on: wasmloom (a namespace made with
 * `createWebAssembly`, optionally with a worker count and a progress callback)
 * and Node's native WebAssembly, captured when this module loads so that a
 * caller replacing `globalThis.WebAssembly` does not change it.
 *
 * The pool options (`workers`, `onProgress`) and `serializeModule` are newer
 * than this package's oldest supported wasmloom: they are passed and looked
 * up without assuming them, and `engineSupport` says what the installed
 * wasmloom offers, so the commands can say so instead of printing numbers
 * that mean something else.
 */
import * as wasmloom from 'wasmloom';
import { createWebAssembly, type WebAssemblyNamespace, type WebAssemblyOptions } from 'wasmloom';

/** How far a compile has got, as the pool reports it. Fields are optional: we draw what we get. */
export interface CompileProgress {
  /** Function bodies compiled, and how many the module has. */
  functionsDone?: number;
  functionsTotal?: number;
  /** Bytes of the module received, and its size when known. */
  bytesDone?: number;
  bytesTotal?: number;
}

export interface EngineOptions {
  /** Compile threads; 0 compiles on the calling thread. */
  workers?: number;
  onProgress?: (progress: CompileProgress) => void;
}

/** The namespace the commands use: the standard API plus wasmloom's `features`. */
export type Engine = WebAssemblyNamespace;

export const nativeWebAssembly: typeof WebAssembly = globalThis.WebAssembly;

type WasmloomProgress = Parameters<NonNullable<WebAssemblyOptions['onProgress']>>[0];

/** A wasmloom namespace; the options it does not know are ignored by older versions. */
export function createEngine(options: EngineOptions = {}): Engine {
  const opts: Record<string, unknown> = {};
  if (options.workers !== undefined) opts.workers = options.workers;
  const onProgress = options.onProgress;
  if (onProgress) {
    // wasmloom's progress ({ bytesReceived, bytesTotal?, functionsCompiled, functionsTotal }) in our terms.
    opts.onProgress = (p: WasmloomProgress) =>
      onProgress({
        functionsDone: p.functionsCompiled,
        functionsTotal: p.functionsTotal,
        bytesDone: p.bytesReceived,
        bytesTotal: p.bytesTotal,
      });
  }
  return createWebAssembly(opts as WebAssemblyOptions);
}

export interface EngineSupport {
  /** `createWebAssembly({ workers })` picks the compile thread count. */
  workers: boolean;
  /** `createWebAssembly({ onProgress })` reports compile progress. */
  onProgress: boolean;
  /** `serializeModule(module)` is exported. */
  serializeModule: boolean;
}

/*
 * Whether wasmloom's options have `workers` and `onProgress` is known when this
 * package compiles, from the option types; a TypeScript type has no run-time
 * value, so each flag is written out, and the type checks that it is right:
 * once an option lands, `tsc` fails here until its flag is set to `true`.
 */
type Has<K extends string> = K extends keyof WebAssemblyOptions ? true : false;
const WORKERS_OPTION: Has<'workers'> = true;
const PROGRESS_OPTION: Has<'onProgress'> = true;

export function engineSupport(): EngineSupport {
  return {
    workers: WORKERS_OPTION,
    onProgress: PROGRESS_OPTION,
    serializeModule: serializer() !== undefined,
  };
}

/** wasmloom's `serializeModule`, when this version has it. */
export function serializer(): ((module: WebAssembly.Module) => Uint8Array) | undefined {
  const f = (wasmloom as Record<string, unknown>).serializeModule;
  return typeof f === 'function' ? (f as (module: WebAssembly.Module) => Uint8Array) : undefined;
}

/** Compiles a module's chunks as they arrive, through the standard `compileStreaming`. */
export function compileStreaming(
  engine: Pick<typeof WebAssembly, 'compileStreaming'>,
  chunks: AsyncIterable<Uint8Array>,
): Promise<WebAssembly.Module> {
  const it = chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await it.return?.();
    },
  });
  const response = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
  return engine.compileStreaming(response);
}

/** "RuntimeError: unreachable" for errors, the value itself for anything else thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `uncaught exception: ${String(err)}`;
}

/** A trap: the error is a RuntimeError of either engine, or the JS stack ran out during wasm. */
export function isTrap(err: unknown): boolean {
  if (err instanceof wasmloom.RuntimeError || err instanceof nativeWebAssembly.RuntimeError) return true;
  return err instanceof RangeError && /call stack/i.test(err.message);
}
