/**
 * `WebAssembly.Module`: a compiled module. The class is made per namespace (it
 * compiles with that namespace's features); the brand is shared, so the
 * static reflection functions and `Instance` of any wasmloom namespace accept
 * modules of any other.
 *
 * Every Module has one own enumerable property, `"wasmloom.module"`, that
 * structured clone carries to another thread; there, the clone (a plain
 * object) is accepted wherever a Module is, and runs without compiling
 * (shared-form.ts).
 */
import { externalKindNames, type Features, WasmError } from '@wasmloom/binary';
import { type CompiledCode, webidl } from '@wasmloom/runtime';
import { viewBytes } from './bytes.js';
import { compileModuleBytes } from './decode.js';
import { compileErrorFrom } from './errors.js';
import { isSharedForm, readSharedForm, SHARED_KEY, sharedValue } from './shared-form.js';
import type {
  ImportExportKind,
  ModuleConstructor,
  ModuleExportDescriptor,
  ModuleImportDescriptor,
} from './types.js';

export interface ModuleState {
  features: Readonly<Features>;
  code: CompiledCode;
}

const states = new WeakMap<object, ModuleState>();

/**
 * Modules made in this thread: `compiled` from bytes, `received` from a
 * clone (postMessage, structuredClone, comlink), `deserialized` from a
 * cache blob. Read with `moduleStats()`.
 */
export const moduleCounters = { compiled: 0, received: 0, deserialized: 0 };

/**
 * The state of a Module, or of a Module's clone (adopted on first use: its
 * code is unpacked once, nothing is compiled), or undefined for anything else.
 * TypeError (naming `context`) for a clone this version cannot run.
 */
function lookup(m: unknown, context: string): ModuleState | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  let state = states.get(m);
  if (state === undefined && isSharedForm(m)) {
    const code = readSharedForm(m, context);
    state = { features: code.env.features, code };
    states.set(m, state);
    moduleCounters.received++;
  }
  return state;
}

/** The state of a wasmloom Module (or of its clone), or a TypeError naming `context`. */
export function moduleState(m: unknown, context: string): ModuleState {
  const state = lookup(m, context);
  if (!state) throw new TypeError(`${context}: Argument 0 must be a WebAssembly.Module`);
  return state;
}

/** A wasmloom Module, or the clone of one (which `moduleState` may still reject: another version). */
export function isModule(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (states.has(m) || isSharedForm(m));
}

/** The getter of every Module's `SHARED_KEY` property (shared-form.ts). */
const sharedGetter = {
  get [SHARED_KEY](): unknown {
    const state = states.get(this);
    return state === undefined ? undefined : sharedValue(state.code);
  },
};
const sharedDescriptor: PropertyDescriptor = {
  get: Object.getOwnPropertyDescriptor(sharedGetter, SHARED_KEY)!.get,
  enumerable: true,
  configurable: false,
};

/** Makes `m` a Module with this state (its brand, and the property structured clone carries). */
function register(m: object, state: ModuleState): void {
  states.set(m, state);
  Object.defineProperty(m, SHARED_KEY, sharedDescriptor);
}

/** A Module object (an instance of `Module`) for code that was compiled before, here or elsewhere. */
export function makeModule(
  Module: ModuleConstructor,
  features: Readonly<Features>,
  code: CompiledCode,
): object {
  const m = Object.create(Module.prototype) as object;
  register(m, { features, code });
  return m;
}

let defaultModule: ModuleConstructor | undefined;

/** The Module class of wasmloom's default namespace (set by index.ts), for modules made without one. */
export function setDefaultModuleClass(Module: ModuleConstructor): void {
  defaultModule ??= Module;
}

export function defaultModuleClass(): ModuleConstructor {
  if (defaultModule === undefined) throw new Error('wasmloom: the default namespace is not initialised');
  return defaultModule;
}

/** A CompileError for a WasmError (context: the API call), anything else unchanged. */
export function toCompileError(e: unknown, context: string): unknown {
  return e instanceof WasmError ? compileErrorFrom(e, context) : e;
}

/** Decodes, validates and compiles `bytes` (read during the call only); CompileError on failure. */
export function compileBytes(bytes: Uint8Array, features: Readonly<Features>, context: string): CompiledCode {
  try {
    return compileModuleBytes(bytes, features);
  } catch (e) {
    throw toCompileError(e, context);
  }
}

/** A Module object for already compiled code (`compile`, `compileStreaming`). */
export function wrapModule(
  Module: ModuleConstructor,
  features: Readonly<Features>,
  code: CompiledCode,
): object {
  moduleCounters.compiled++;
  return makeModule(Module, features, code);
}

function kindName(kind: number): ImportExportKind {
  return externalKindNames[kind] as ImportExportKind;
}

export function defineModuleClass(features: Readonly<Features>): ModuleConstructor {
  const Module = class Module {
    constructor(bytes: BufferSource) {
      // `arguments`, not a rest or default parameter: Module.length must stay 1 (Web IDL).
      // biome-ignore lint/complexity/noArguments: see above
      webidl.requireArguments(arguments.length, 1, 'WebAssembly.Module()');
      // No copy: the compile is synchronous, and what the module keeps (data
      // segments, custom sections) the decoder copies; bodies are compiled away.
      const view = viewBytes(bytes, 'WebAssembly.Module()');
      register(this, { features, code: compileBytes(view, features, 'WebAssembly.Module()') });
      moduleCounters.compiled++;
    }

    static exports(moduleObject: object): ModuleExportDescriptor[] {
      const { code } = moduleState(moduleObject, 'WebAssembly.Module.exports()');
      return code.module.exports.map((e) => ({ name: e.name, kind: kindName(e.kind) }));
    }

    static imports(moduleObject: object): ModuleImportDescriptor[] {
      const { code } = moduleState(moduleObject, 'WebAssembly.Module.imports()');
      return code.module.imports.map((i) => ({ module: i.module, name: i.name, kind: kindName(i.kind) }));
    }

    static customSections(moduleObject: object, sectionName: string): ArrayBuffer[] {
      // biome-ignore lint/complexity/noArguments: customSections.length must stay 2 (Web IDL)
      webidl.requireArguments(arguments.length, 2, 'WebAssembly.Module.customSections()');
      const { code } = moduleState(moduleObject, 'WebAssembly.Module.customSections()');
      const name = webidl.domString(sectionName);
      const out: ArrayBuffer[] = [];
      for (const s of code.module.customSections) {
        if (s.name === name) out.push(s.bytes.slice().buffer as ArrayBuffer);
      }
      return out;
    }
  };
  for (const key of ['exports', 'imports', 'customSections'] as const) {
    Object.defineProperty(Module, key, { enumerable: true });
  }
  Object.defineProperty(Module.prototype, Symbol.toStringTag, {
    value: 'WebAssembly.Module',
    configurable: true,
  });
  return Module as unknown as ModuleConstructor;
}
