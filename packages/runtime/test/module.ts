/**
 * Hand-built modules for runtime tests: a WasmModule, its ModuleEnv, and
 * function sources written by hand against abi.ts, so the runtime is tested
 * without the parser or the compiler.
 */
import {
  type ConstExpr,
  type DataSegment,
  DEFAULT_FEATURES,
  type ElementSegment,
  type Export,
  type GlobalDef,
  type Import,
  type MemoryType,
  makeDataSegments,
  makeElementSegments,
  Op,
  type TableDef,
  type TypeDef,
  type WasmModule,
} from '@wasmloom/binary';
import type { CompiledCode } from '../src/instance.js';

export interface Spec {
  types?: { params: number[]; results: number[] }[];
  imports?: Import[];
  /** Defined functions: type index and source (defining f{numImports + j}). */
  funcs?: { type: number; src: string }[];
  tables?: TableDef[];
  memories?: MemoryType[];
  globals?: GlobalDef[];
  exports?: Export[];
  start?: number | null;
  elements?: ElementSegment[];
  data?: DataSegment[];
}

export const limits = (min: number, max: number | null = null, shared = false) => ({
  min,
  max,
  shared,
  index64: false,
});

export const i32c = (n: number): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.i32_const, imm: n }],
  type: 0x7f,
});
export const i64c = (n: bigint): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.i64_const, imm: n }],
  type: 0x7e,
});
export const f32c = (bits: number): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.f32_const, imm: bits }],
  type: 0x7d,
});
export const f64c = (bits: bigint): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.f64_const, imm: bits }],
  type: 0x7c,
});
export const globalGet = (g: number, type = 0x7f): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.global_get, imm: g }],
  type,
});
export const refFunc = (f: number): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.ref_func, imm: f }],
  type: 0,
});
export const refNull = (heap: number): ConstExpr => ({
  offset: 0,
  instrs: [{ op: Op.ref_null, imm: heap }],
  type: 0,
});

export const exp = (name: string, kind: 0 | 1 | 2 | 3, index: number): Export => ({ name, kind, index });

export function activeElem(
  table: number,
  offset: ConstExpr,
  funcIndices: number[],
  refType = 0,
): ElementSegment {
  return { mode: 'active', table, offset, refType, funcIndices, exprs: null };
}
export function activeData(memory: number, offset: ConstExpr, bytes: number[] | string): DataSegment {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
  return { mode: 'active', memory, offset, bytes: b };
}

export function build(spec: Spec): CompiledCode {
  const types: TypeDef[] = (spec.types ?? []).map((t) => ({
    kind: 'func',
    params: t.params,
    results: t.results,
    final: true,
    supertypes: [],
    recGroup: 0,
    recGroupSize: 1,
  }));
  const imports = spec.imports ?? [];
  const funcs = spec.funcs ?? [];
  const module: WasmModule = {
    types,
    imports,
    functions: funcs.map((f) => f.type),
    tables: spec.tables ?? [],
    memories: spec.memories ?? [],
    globals: spec.globals ?? [],
    tags: [],
    exports: spec.exports ?? [],
    start: spec.start ?? null,
    elements: makeElementSegments(spec.elements ?? []),
    dataCount: null,
    data: makeDataSegments(spec.data ?? []),
    customSections: [],
    names: null,
  };
  const importedFuncs = imports
    .filter((i) => i.kind === 0)
    .map((i) => (i as { typeIndex: number }).typeIndex);
  const importedTables = imports.filter((i) => i.kind === 1).map((i) => (i as { table: TableDef }).table);
  const importedMems = imports.filter((i) => i.kind === 2).map((i) => (i as { memory: MemoryType }).memory);
  const importedGlobals = imports
    .filter((i) => i.kind === 3)
    .map((i) => (i as { global: GlobalDef['type'] }).global);
  return {
    module,
    env: {
      features: { ...DEFAULT_FEATURES },
      types,
      funcs: [...importedFuncs, ...module.functions],
      numImportedFuncs: importedFuncs.length,
      tables: [...importedTables, ...module.tables],
      memories: [...importedMems, ...module.memories],
      globals: [...importedGlobals, ...module.globals.map((g) => g.type)],
      numImportedGlobals: importedGlobals.length,
      tags: [],
      elemTypes: Int32Array.from(spec.elements ?? [], (e) => e.refType),
      dataCount: null,
      declaredFuncRefs: [],
    },
    sources: funcs.map((f) => f.src),
  };
}

export const funcImport = (module: string, name: string, typeIndex: number): Import => ({
  module,
  name,
  kind: 0,
  typeIndex,
});
export const memImport = (
  module: string,
  name: string,
  min: number,
  max: number | null = null,
  shared = false,
): Import => ({
  module,
  name,
  kind: 2,
  memory: { limits: limits(min, max, shared) },
});
export const tableImport = (
  module: string,
  name: string,
  refType: number,
  min: number,
  max: number | null = null,
): Import => ({
  module,
  name,
  kind: 1,
  table: { refType, limits: limits(min, max) },
});
export const globalImport = (module: string, name: string, type: number, mutable = false): Import => ({
  module,
  name,
  kind: 3,
  global: { type, mutable },
});
