/**
 * The `WebAssembly` namespace. `createWebAssembly({ features })` makes one whose
 * `validate`, `Module` and `compile` accept exactly the given features (the
 * defaults otherwise); the errors classes are shared by all namespaces.
 *
 * At this stage decoding and module-level validation are real; instantiation
 * is not available yet (the compiler and runtime come later): `Instance` and
 * `instantiate` fail with an Error saying so.
 */
import { type Features, WasmError } from '@wasmloom/binary';
import { copyBytes, viewBytes } from './bytes.js';
import { decodeModule } from './decode.js';
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
  instantiate(source: BufferSource | object, importObject?: object): Promise<never>;
  Module: ModuleClass;
  Instance: new (module: object, importObject?: object) => object;
  CompileError: typeof CompileError;
  LinkError: typeof LinkError;
  RuntimeError: typeof RuntimeError;
  /** The features this namespace compiles with. */
  readonly features: Readonly<Features>;
}

export const INSTANTIATION_NOT_IMPLEMENTED =
  'instantiation is not implemented yet in wasmloom (validate, Module and compile work; Instance needs the compiler and runtime)';

export function createWebAssembly(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  const features = resolveFeatures(options?.features);
  const Module = defineModuleClass(features);

  class Instance {
    constructor(module: object, _importObject?: object) {
      moduleState(module, 'WebAssembly.Instance()');
      throw new Error(`WebAssembly.Instance(): ${INSTANTIATION_NOT_IMPLEMENTED}`);
    }
  }
  Object.defineProperty(Instance.prototype, Symbol.toStringTag, {
    value: 'WebAssembly.Instance',
    configurable: true,
  });

  function validate(bytes: BufferSource): boolean {
    const view = viewBytes(bytes, 'WebAssembly.validate()');
    try {
      decodeModule(view, features);
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

  function instantiate(source: BufferSource | object, _importObject?: object): Promise<never> {
    const module = isModule(source) ? Promise.resolve(source) : compile(source as BufferSource);
    return module.then(() => {
      throw new Error(`WebAssembly.instantiate(): ${INSTANTIATION_NOT_IMPLEMENTED}`);
    });
  }

  const ns = {} as WebAssemblyNamespace;
  const fns = { validate, compile, instantiate };
  for (const [name, fn] of Object.entries(fns)) {
    Object.defineProperty(ns, name, { value: fn, writable: true, enumerable: true, configurable: true });
  }
  const classes = { Module, Instance, CompileError, LinkError, RuntimeError };
  for (const [name, value] of Object.entries(classes)) {
    Object.defineProperty(ns, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(ns, 'features', { value: features, enumerable: false });
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  return ns;
}
