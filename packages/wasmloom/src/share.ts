/**
 * Sharing compiled modules between threads (see shared-form.ts for the
 * representation):
 *
 *   worker.postMessage(module);                              // any wasmloom Module
 *   // in the worker: `received` is a plain object; the API takes it as it is
 *   const instance = await WebAssembly.instantiate(received, imports);   // validates nothing, re-emits nothing
 *   const module = adoptModule(received);                    // a real Module, if you want one
 */
import { emitCounters } from './emit.js';
import { defaultModuleClass, isModule, makeModule, moduleCounters, moduleState } from './module.js';
import type { Module, ModuleConstructor } from './types.js';

/**
 * A Module object for `value`, a wasmloom Module or the structured clone of
 * one: the same Module when it already is one of `Module` (by default the
 * `Module` of wasmloom's default namespace), else a new Module object of that
 * class sharing the code, so that `instanceof WebAssembly.Module` holds.
 * Compiles nothing. TypeError when `value` is neither, or a clone made by
 * another wasmloom version.
 */
export function adoptModule(value: unknown, Module: ModuleConstructor = defaultModuleClass()): Module {
  const { features, code } = moduleState(value, 'adoptModule()');
  if (value instanceof Module) return value as Module;
  return makeModule(Module, features, code) as Module;
}

/** True for a wasmloom Module and for the structured clone of one. */
export function isWasmloomModule(value: unknown): boolean {
  return isModule(value);
}

export interface ModuleStats {
  /** Modules compiled from bytes in this thread (`new Module`, `compile*`, `instantiate*` of bytes). */
  compiled: number;
  /** Clones of modules (postMessage, structuredClone, comlink) adopted in this thread: nothing compiled. */
  received: number;
  /** Modules made by `deserializeModule` in this thread: nothing compiled. */
  deserialized: number;
  /** Function sources emitted on this thread (first calls, `serializeModule`): tiered loading's second tier. */
  functionsEmitted: number;
  /** Function sources this thread received from a pool's background emission. */
  functionsEmittedOnPool: number;
}

/** How many modules this thread compiled, received and deserialized, and function sources it emitted (for tests and diagnostics). */
export function moduleStats(): ModuleStats {
  return {
    ...moduleCounters,
    functionsEmitted: emitCounters.here,
    functionsEmittedOnPool: emitCounters.fromPool,
  };
}
