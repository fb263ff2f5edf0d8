/**
 * The engines the commands run modules on: wasmloom (a namespace made with
 * `createWebAssembly`, optionally with a worker count and a progress callback)
 * and Node's native WebAssembly, captured when this module loads so that a
 * caller replacing `globalThis.WebAssembly` does not change it.
 */
import {
  createWebAssembly,
  RuntimeError,
  type WebAssemblyNamespace,
  type WebAssemblyOptions,
} from 'wasmloom';

/** How far a compile has got, as the pool reports it. Fields are optional: we draw what we get. */
export interface CompileProgress {
  /** Function bodies validated (the module exists once all are), emitted to JS, and how many the module has. */
  functionsDone?: number;
  functionsEmitted?: number;
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

/** A wasmloom namespace with the given worker count and progress callback. */
export function createEngine(options: EngineOptions = {}): Engine {
  const opts: Record<string, unknown> = {};
  if (options.workers !== undefined) opts.workers = options.workers;
  const onProgress = options.onProgress;
  if (onProgress) {
    // wasmloom's progress ({ bytesReceived, bytesTotal?, functionsValidated, functionsEmitted, functionsTotal }) in our terms.
    opts.onProgress = (p: WasmloomProgress) =>
      onProgress({
        functionsDone: p.functionsValidated,
        functionsEmitted: p.functionsEmitted,
        functionsTotal: p.functionsTotal,
        bytesDone: p.bytesReceived,
        bytesTotal: p.bytesTotal,
      });
  }
  return createWebAssembly(opts as WebAssemblyOptions);
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
  if (err instanceof RuntimeError || err instanceof nativeWebAssembly.RuntimeError) return true;
  return err instanceof RangeError && /call stack/i.test(err.message);
}
