/**
 * The `WebAssembly` namespace. `createWebAssembly({ features })` makes one whose
 * `validate`, `Module` and `compile` accept exactly the given features (the
 * defaults otherwise); error classes, `Memory`, `Table` and `Global` are shared
 * by all namespaces.
 */
import { type Features, WasmError } from '@wasmloom/binary';
import { Global, instantiate as instantiateCode, invokeRaw, Memory, Table } from '@wasmloom/runtime';
import { copyBytes, viewBytes } from './bytes.js';
import { compileModuleBytes } from './decode.js';
import { CompileError, LinkError, RuntimeError } from './errors.js';
import { resolveFeatures } from './features.js';
import {
  compileBytes,
  defineModuleClass,
  isModule,
  type ModuleClass,
  moduleState,
  wrapModule,
} from './module.js';

export interface WebAssemblyOptions {
  /** Overrides of `DEFAULT_FEATURES` (WebAssembly 2.0 as Node 20 accepts it). */
  features?: Partial<Features>;
}

export interface WebAssemblyNamespace {
  validate(bytes: BufferSource): boolean;
  compile(bytes: BufferSource): Promise<object>;
  instantiate(source: BufferSource | object, importObject?: object): Promise<unknown>;
  Module: ModuleClass;
  Instance: new (module: object, importObject?: object) => object;
  CompileError: typeof CompileError;
  LinkError: typeof LinkError;
  RuntimeError: typeof RuntimeError;
  Memory: typeof Memory;
  Table: typeof Table;
  Global: typeof Global;
  /** The features this namespace compiles with. */
  readonly features: Readonly<Features>;
}

/** Exact-bits calls for test runners (see @wasmloom/runtime `invokeRaw`). */
export const INVOKE_RAW: unique symbol = Symbol.for('wasmloom.invokeRaw') as never;

const instanceExports = new WeakMap<object, object>();

/** `WebAssembly.Instance`: shared by every namespace (a Module carries its own features). */
class Instance {
  constructor(module: object, importObject?: object) {
    const { code } = moduleState(module, 'WebAssembly.Instance()');
    instanceExports.set(this, instantiateCode(code, importObject).exports);
  }

  get exports(): object {
    const exports = instanceExports.get(this);
    if (exports === undefined) throw new TypeError('Receiver is not a WebAssembly.Instance');
    return exports;
  }
}
Object.defineProperty(Instance.prototype, 'exports', { enumerable: true });
Object.defineProperty(Instance.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Instance',
  configurable: true,
});

export function createWebAssembly(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  const features = resolveFeatures(options?.features);
  const Module = defineModuleClass(features);

  function validate(bytes: BufferSource): boolean {
    const view = viewBytes(bytes, 'WebAssembly.validate()');
    try {
      compileModuleBytes(view, features);
      return true;
    } catch (e) {
      if (e instanceof WasmError) return false;
      throw e;
    }
  }

  function compile(bytes: BufferSource): Promise<object> {
    return new Promise((resolve) => {
      // The bytes are copied now: the caller may change its buffer once compile returns.
      const copy = copyBytes(bytes, 'WebAssembly.compile()');
      resolve(copy);
    }).then((copy) => wrapModule(Module, compileBytes(copy as Uint8Array, features)));
  }

  function instantiate(source: BufferSource | object, importObject?: object): Promise<unknown> {
    if (isModule(source)) {
      return Promise.resolve().then(() => new Instance(source, importObject));
    }
    return compile(source as BufferSource).then((module) => ({
      module,
      instance: new Instance(module, importObject),
    }));
  }

  const ns = {} as WebAssemblyNamespace;
  const fns = { validate, compile, instantiate };
  for (const [name, fn] of Object.entries(fns)) {
    Object.defineProperty(ns, name, { value: fn, writable: true, enumerable: true, configurable: true });
  }
  const classes = { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError };
  for (const [name, value] of Object.entries(classes)) {
    Object.defineProperty(ns, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(ns, 'features', { value: features, enumerable: false });
  Object.defineProperty(ns, INVOKE_RAW, { value: invokeRaw, enumerable: false });
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  return ns;
}
