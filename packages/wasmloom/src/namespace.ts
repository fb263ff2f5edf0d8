/**
 * The `WebAssembly` namespace. `createWebAssembly({ features })` makes one
 * whose `validate`, `compile*`, `instantiate*` and `Module` accept exactly the
 * given features (the defaults otherwise); `Instance`, `Memory`, `Table`,
 * `Global`, `Tag`, `Exception` and the error classes are shared by all
 * namespaces, so objects of one work with every other.
 *
 * Compiling: `new Module` and `validate` are synchronous, on the calling
 * thread. `compile*` and `instantiate*` go through the streaming driver
 * (streaming.ts): a response's body as it downloads, a buffer in slices, with
 * big modules' function bodies on the namespace's worker pool (`workers`,
 * `pool`, `onProgress` options: options.ts). `compileStreaming(namespace,
 * source, { signal, onProgress })` adds what the standard function has no
 * room for: an AbortSignal and progress per call.
 *
 * Web IDL shapes, checked against Node's native namespace by the tests:
 * the functions are enumerable, writable, configurable non-constructors with
 * `length` 1; the interface objects are non-enumerable; `Symbol.toStringTag`
 * is "WebAssembly". Promise-returning functions never throw: a bad argument
 * rejects with a TypeError.
 */
import { WasmError } from '@wasmloom/binary';
import {
  CompileError,
  Exception,
  Global,
  invokeRaw,
  LinkError,
  Memory,
  RuntimeError,
  Table,
  Tag,
  webidl,
} from '@wasmloom/runtime';
import { copySlices, takeSlices, viewBytes } from './bytes.js';
import { validateModuleBytes } from './decode.js';
import { resolveFeatures } from './features.js';
import { Instance, instantiateAsync } from './instance.js';
import { defineModuleClass, isModule, toCompileError, wrapModule } from './module.js';
import { type CompileProgress, compileSettings, type WebAssemblyOptions } from './options.js';
import { checkResponse } from './response.js';
import { type ChunkSource, compileChunks } from './streaming.js';
import type { Imports, Module, ResponseSource, WebAssemblyNamespace } from './types.js';

export type { CompileProgress, WebAssemblyOptions } from './options.js';
export type { WebAssemblyNamespace } from './types.js';

/** Exact-bits calls for test runners (see @wasmloom/runtime `invokeRaw`). */
export const INVOKE_RAW: unique symbol = Symbol.for('wasmloom.invokeRaw') as never;

/** Per-call options of `compileStreaming(namespace, source, options)`. */
export interface CompileStreamingOptions {
  /** Aborts: the promise rejects with `signal.reason` at once, the download is cancelled, waiting batches are dropped. */
  signal?: AbortSignal;
  /** This call's progress (instead of the namespace's `onProgress`). */
  onProgress?: (progress: CompileProgress) => void;
}

type StreamingCompiler = (source: ResponseSource, options: CompileStreamingOptions) => Promise<Module>;
const streamingCompilers = new WeakMap<object, StreamingCompiler>();

/**
 * `namespace.compileStreaming(source)` with options the standard function
 * has no room for. Not part of the WebAssembly JS API: wasmloom namespaces only.
 */
export function compileStreaming(
  namespace: WebAssemblyNamespace,
  source: ResponseSource,
  options: CompileStreamingOptions = {},
): Promise<Module> {
  const compiler = streamingCompilers.get(namespace);
  if (compiler === undefined) {
    return Promise.reject(
      new TypeError('compileStreaming: Argument 0 must be a wasmloom WebAssembly namespace'),
    );
  }
  return compiler(source, options ?? {});
}

/**
 * Bytes per slice when a buffer goes through the streaming driver: pool
 * answers get in between, and the copy of the buffer is freed slice by slice
 * as the decoder gets past it, instead of staying whole until the end, where
 * the sources pile up (esbuild-wasm: 14 MB; the peak RSS median moved 8 MB,
 * within the noise of GC timing).
 */
const BUFFER_SLICE = 256 * 1024;

/** A buffer's bytes, copied now (the caller may change them once the call returns), as slices to compile. */
function bufferChunks(source: unknown, context: string): { chunks: Iterable<Uint8Array>; length: number } {
  const slices = copySlices(source, context, BUFFER_SLICE);
  let length = 0;
  for (const s of slices) length += s.length;
  return { chunks: takeSlices(slices), length };
}

/** The body's size from Content-Length, unless content-encoded (then the body is bigger). */
function declaredSize(response: Response): number | undefined {
  const encoding = response.headers.get('Content-Encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return undefined;
  const length = response.headers.get('Content-Length');
  if (length === null || !/^\s*\d+\s*$/.test(length)) return undefined;
  return Number(length);
}

/**
 * `source`, or a rejection with `signal.reason` as soon as it aborts; a
 * response that comes after that has its body cancelled (the download stops).
 */
function untilAborted(source: ResponseSource, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(source).then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted)
          (response as Partial<Response> | null)?.body?.cancel(signal.reason).catch(() => {});
        else resolve(response);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A promise that rejects with whatever `f` throws, or settles as `f`'s promise does. */
function promiseFrom<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}

export function createWebAssembly(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  const features = resolveFeatures(options?.features);
  const settings = compileSettings(options ?? {});
  const Module = defineModuleClass(features);

  /** Compiles chunks to a Module of this namespace; WasmErrors become CompileErrors. */
  function compileToModule(
    chunks: ChunkSource,
    context: string,
    bytesTotal: number | undefined,
    perCall: CompileStreamingOptions = {},
  ): Promise<Module> {
    const code = compileChunks(chunks, features, {
      signal: perCall.signal,
      pool: settings.pool,
      inlineThreshold: settings.inlineThreshold,
      bytesTotal,
      onProgress: perCall.onProgress ?? settings.onProgress,
    });
    return code.then(
      (c) => wrapModule(Module, features, c) as Module,
      (e) => {
        throw toCompileError(e, context);
      },
    );
  }

  /** Compiles a buffer: copied now, since the caller may change it as soon as the call returns. */
  function compileBuffer(bytes: unknown, context: string): Promise<Module> {
    const { chunks, length } = bufferChunks(bytes, context);
    return compileToModule(chunks, context, length);
  }

  /** Compiles a response's body as it downloads. */
  function compileResponse(
    source: ResponseSource,
    context: string,
    perCall?: CompileStreamingOptions,
  ): Promise<Module> {
    const signal = perCall?.signal;
    const response = signal === undefined ? Promise.resolve(source) : untilAborted(source, signal);
    return response.then((response) => {
      const body = checkResponse(response, context);
      return compileToModule(body ?? [], context, declaredSize(response), perCall);
    });
  }

  // Method syntax: the functions are not constructors and have no `prototype`, like built-ins.
  const functions = {
    compile(bytes: BufferSource): Promise<Module> {
      // biome-ignore lint/complexity/noArguments: Web IDL counts the arguments; a rest parameter would change `length`
      const argc = arguments.length;
      return promiseFrom(() => {
        webidl.requireArguments(argc, 1, 'WebAssembly.compile()');
        return compileBuffer(bytes, 'WebAssembly.compile()');
      });
    },

    validate(bytes: BufferSource): boolean {
      // biome-ignore lint/complexity/noArguments: Web IDL argument count
      webidl.requireArguments(arguments.length, 1, 'WebAssembly.validate()');
      // No copy: nothing can change the bytes while this runs.
      const view = viewBytes(bytes, 'WebAssembly.validate()');
      try {
        validateModuleBytes(view, features);
        return true;
      } catch (e) {
        if (e instanceof WasmError) return false;
        throw e;
      }
    },

    instantiate(source: BufferSource | Module, importObject?: Imports): Promise<unknown> {
      // biome-ignore lint/complexity/noArguments: Web IDL counts the arguments; a rest parameter would change `length`
      const argc = arguments.length;
      return promiseFrom(() => {
        webidl.requireArguments(argc, 1, 'WebAssembly.instantiate()');
        if (isModule(source)) {
          const imports = webidl.optionalObject(importObject, 'WebAssembly.instantiate(): Argument 1');
          return instantiateAsync(source, imports, 'WebAssembly.instantiate()');
        }
        const { chunks, length } = bufferChunks(source, 'WebAssembly.instantiate()');
        const imports = webidl.optionalObject(importObject, 'WebAssembly.instantiate(): Argument 1');
        return compileToModule(chunks, 'WebAssembly.instantiate()', length).then((module) =>
          instantiateAsync(module, imports, 'WebAssembly.instantiate()').then((instance) => ({
            module,
            instance,
          })),
        );
      });
    },

    compileStreaming(source: Response | PromiseLike<Response>): Promise<Module> {
      // biome-ignore lint/complexity/noArguments: Web IDL counts the arguments; a rest parameter would change `length`
      const argc = arguments.length;
      return promiseFrom(() => {
        webidl.requireArguments(argc, 1, 'WebAssembly.compileStreaming()');
        return compileResponse(source, 'WebAssembly.compileStreaming()');
      });
    },

    instantiateStreaming(source: Response | PromiseLike<Response>, importObject?: Imports): Promise<unknown> {
      // biome-ignore lint/complexity/noArguments: Web IDL counts the arguments; a rest parameter would change `length`
      const argc = arguments.length;
      return promiseFrom(() => {
        const context = 'WebAssembly.instantiateStreaming()';
        webidl.requireArguments(argc, 1, context);
        const imports = webidl.optionalObject(importObject, `${context}: Argument 1`);
        return compileResponse(source, context).then((module) =>
          instantiateAsync(module, imports, context).then((instance) => ({ module, instance })),
        );
      });
    },
  };
  webidl.setLength(functions.instantiate, 1);
  webidl.setLength(functions.instantiateStreaming, 1);

  const ns = {} as WebAssemblyNamespace;
  for (const [name, fn] of Object.entries(functions)) {
    Object.defineProperty(ns, name, { value: fn, writable: true, enumerable: true, configurable: true });
  }
  // In the native namespace's order.
  const interfaces = {
    Module,
    Instance,
    Table,
    Memory,
    Global,
    Tag,
    Exception,
    CompileError,
    LinkError,
    RuntimeError,
  };
  for (const [name, value] of Object.entries(interfaces)) {
    Object.defineProperty(ns, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  // Extensions, not enumerable: the feature set, and the spec runner's exact-bits hook.
  Object.defineProperty(ns, 'features', { value: features });
  Object.defineProperty(ns, INVOKE_RAW, { value: invokeRaw });
  streamingCompilers.set(ns, (source, perCall) =>
    promiseFrom(() => compileResponse(source, 'compileStreaming()', perCall)),
  );
  return ns;
}
