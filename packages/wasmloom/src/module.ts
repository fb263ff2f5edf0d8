/**
 * `WebAssembly.Module`: a compiled module. The class is made per namespace (it
 * compiles with that namespace's features); the brand is shared, so the static
 * reflection functions of any wasmloom namespace accept modules of any other.
 */
import { externalKindNames, type Features, WasmError } from '@wasmloom/binary';
import type { CompiledCode } from '@wasmloom/runtime';
import { copyBytes } from './bytes.js';
import { compileModuleBytes } from './decode.js';
import { compileErrorFrom } from './errors.js';

export type ImportExportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleExportDescriptor {
  name: string;
  kind: ImportExportKind;
}

export interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: ImportExportKind;
}

export interface ModuleState {
  features: Features;
  code: CompiledCode;
}

const states = new WeakMap<object, ModuleState>();

/** The state of a wasmloom Module, or a TypeError naming `context`. */
export function moduleState(m: unknown, context: string): ModuleState {
  const state = typeof m === 'object' && m !== null ? states.get(m) : undefined;
  if (!state) throw new TypeError(`${context}: Argument 0 must be a WebAssembly.Module`);
  return state;
}

export function isModule(m: unknown): boolean {
  return typeof m === 'object' && m !== null && states.has(m);
}

/** Decodes and validates `bytes` (owned by the module from now on); CompileError on failure. */
export function compileBytes(bytes: Uint8Array, features: Features): ModuleState {
  try {
    return { features, code: compileModuleBytes(bytes, features) };
  } catch (e) {
    if (e instanceof WasmError) throw compileErrorFrom(e);
    throw e;
  }
}

export interface ModuleClass {
  new (bytes: BufferSource): object;
  readonly prototype: object;
  exports(module: object): ModuleExportDescriptor[];
  imports(module: object): ModuleImportDescriptor[];
  customSections(module: object, sectionName: string): ArrayBuffer[];
}

/** A Module object wrapping an already compiled state (for `compile`). */
export function wrapModule(Module: ModuleClass, state: ModuleState): object {
  const m = Object.create(Module.prototype) as object;
  states.set(m, state);
  return m;
}

function kindName(kind: number): ImportExportKind {
  return externalKindNames[kind] as ImportExportKind;
}

export function defineModuleClass(features: Features): ModuleClass {
  const Module = class Module {
    constructor(bytes: BufferSource) {
      // `arguments`, not a rest or default parameter: Module.length must stay 1 (Web IDL).
      // biome-ignore lint/complexity/noArguments: see above
      if (arguments.length < 1)
        throw new TypeError('WebAssembly.Module(): Argument 0 must be a buffer source');
      states.set(this, compileBytes(copyBytes(bytes, 'WebAssembly.Module()'), features));
    }

    static exports(module: object): ModuleExportDescriptor[] {
      const { code } = moduleState(module, 'WebAssembly.Module.exports()');
      return code.module.exports.map((e) => ({ name: e.name, kind: kindName(e.kind) }));
    }

    static imports(module: object): ModuleImportDescriptor[] {
      const { code } = moduleState(module, 'WebAssembly.Module.imports()');
      return code.module.imports.map((i) => ({ module: i.module, name: i.name, kind: kindName(i.kind) }));
    }

    static customSections(module: object, sectionName: string): ArrayBuffer[] {
      const { code } = moduleState(module, 'WebAssembly.Module.customSections()');
      // biome-ignore lint/complexity/noArguments: customSections.length must stay 2 (Web IDL)
      if (arguments.length < 2)
        throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
      const name = `${sectionName}`;
      return code.module.customSections
        .filter((s) => s.name === name)
        .map((s) => new Uint8Array(s.bytes).buffer as ArrayBuffer);
    }
  };
  for (const key of ['exports', 'imports', 'customSections'] as const) {
    Object.defineProperty(Module, key, { enumerable: true });
  }
  Object.defineProperty(Module.prototype, Symbol.toStringTag, {
    value: 'WebAssembly.Module',
    configurable: true,
  });
  return Module as unknown as ModuleClass;
}
