/**
 * The decoded module as plain data: numbers, strings, arrays, typed arrays and
 * BigInts only, so every structure here survives `structuredClone` and
 * `postMessage`. No classes, no functions, no Maps.
 */

// ---- Value types -----------------------------------------------------------
//
// A value type is one small integer. Numeric and vector types are their binary
// byte. A reference type is `REF | (nullable ? NULLABLE : 0) | heapType << 10`,
// where a heap type is an abstract heap type's binary byte (0x69..0x74) or
// `CONCRETE + typeIndex` for a defined type.

export type ValType = number;
export type HeapType = number;

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** Packed storage types (GC struct/array fields only). */
export const I8 = 0x78;
export const I16 = 0x77;

export const REF = 0x100;
export const NULLABLE = 0x200;

/** Abstract heap types, by their binary encoding. */
export const HeapTypes = {
  exn: 0x69,
  array: 0x6a,
  struct: 0x6b,
  i31: 0x6c,
  eq: 0x6d,
  any: 0x6e,
  extern: 0x6f,
  func: 0x70,
  none: 0x71,
  noextern: 0x72,
  nofunc: 0x73,
  noexn: 0x74,
} as const;

/** Concrete heap types are `CONCRETE + typeIndex`. */
export const CONCRETE = 0x100;

export function refType(heap: HeapType, nullable: boolean): ValType {
  return REF | (nullable ? NULLABLE : 0) | (heap << 10);
}
export function isRef(t: ValType): boolean {
  return (t & REF) !== 0;
}
export function isNullable(t: ValType): boolean {
  return (t & NULLABLE) !== 0;
}
export function heapOf(t: ValType): HeapType {
  return t >>> 10;
}
/** Type index of a concrete heap type, or -1 for an abstract one. */
export function typeIndexOfHeap(h: HeapType): number {
  return h >= CONCRETE ? h - CONCRETE : -1;
}

export const FUNCREF = refType(HeapTypes.func, true);
export const EXTERNREF = refType(HeapTypes.extern, true);
export const EXNREF = refType(HeapTypes.exn, true);

/** Text-format name of a value type, for messages and the disassembler. */
export function valTypeName(t: ValType): string {
  switch (t) {
    case I32:
      return 'i32';
    case I64:
      return 'i64';
    case F32:
      return 'f32';
    case F64:
      return 'f64';
    case V128:
      return 'v128';
    case I8:
      return 'i8';
    case I16:
      return 'i16';
    case FUNCREF:
      return 'funcref';
    case EXTERNREF:
      return 'externref';
  }
  if (isRef(t)) {
    const h = heapOf(t);
    let heapName: string;
    if (h >= CONCRETE) heapName = String(h - CONCRETE);
    else
      heapName =
        Object.keys(HeapTypes).find((k) => HeapTypes[k as keyof typeof HeapTypes] === h) ??
        `0x${h.toString(16)}`;
    return isNullable(t) ? `(ref null ${heapName})` : `(ref ${heapName})`;
  }
  return `<0x${t.toString(16)}>`;
}

// ---- Types section ----------------------------------------------------------

export interface FieldType {
  type: ValType; // may be I8/I16
  mutable: boolean;
}

export interface FuncType {
  kind: 'func';
  params: ValType[];
  results: ValType[];
}
export interface StructType {
  kind: 'struct';
  fields: FieldType[];
}
export interface ArrayType {
  kind: 'array';
  field: FieldType;
}
export type CompositeType = FuncType | StructType | ArrayType;

/** One entry of the type index space (GC: a subtype inside a recursion group). */
export type TypeDef = CompositeType & {
  /** `final` is true for plain MVP types and `sub final`. */
  final: boolean;
  supertypes: number[];
  /** Index of the first type of this type's recursion group, and the group's size. */
  recGroup: number;
  recGroupSize: number;
};

// ---- Imports, tables, memories, globals, tags -------------------------------

export const ExternalKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
export type ExternalKind = (typeof ExternalKind)[keyof typeof ExternalKind];
export const externalKindNames = ['function', 'table', 'memory', 'global', 'tag'] as const;

export interface Limits {
  min: number;
  /** null when absent. */
  max: number | null;
  shared: boolean;
  /** memory64 / table64: addresses are i64. */
  index64: boolean;
}

export interface TableType {
  refType: ValType;
  limits: Limits;
}
export interface TableDef extends TableType {
  /** Initializer expression (function-references table form), or null. */
  init: ConstExpr | null;
}
export interface MemoryType {
  limits: Limits;
}
export interface GlobalType {
  type: ValType;
  mutable: boolean;
}
export interface TagType {
  /** Type index of the tag's function type (results must be empty). */
  typeIndex: number;
}

export type ImportDesc =
  | { kind: 0; typeIndex: number }
  | { kind: 1; table: TableType }
  | { kind: 2; memory: MemoryType }
  | { kind: 3; global: GlobalType }
  | { kind: 4; tag: TagType };

export type Import = { module: string; name: string } & ImportDesc;

export interface Export {
  name: string;
  kind: ExternalKind;
  index: number;
}

// ---- Constant expressions ----------------------------------------------------

/**
 * One instruction of a constant expression. `imm` by opcode: i32.const → number
 * (signed), i64.const → bigint (signed), f32.const → number (raw u32 bits),
 * f64.const → bigint (raw u64 bits), v128.const → Uint8Array(16), global.get /
 * ref.func → index, ref.null → heap type, GC ops → type index (and `imm2` for a
 * second immediate). Binary operators (extended-const) have no immediate.
 * `op` uses the operator ids of `opcodes.ts`.
 */
export interface ConstInstr {
  op: number;
  imm?: number | bigint | Uint8Array;
  imm2?: number;
}
export interface ConstExpr {
  /** Absolute offset of the expression's first byte. */
  offset: number;
  instrs: ConstInstr[];
  /** The type of the value the expression produces (set by validation). */
  type: ValType;
}

// ---- Global, element and data definitions -----------------------------------

export interface GlobalDef {
  type: GlobalType;
  init: ConstExpr;
}

export type SegmentMode = 'active' | 'passive' | 'declarative';

export interface ElementSegment {
  mode: SegmentMode;
  /** Table index for active segments, else 0. */
  table: number;
  /** Offset expression for active segments, else null. */
  offset: ConstExpr | null;
  refType: ValType;
  /** Forms with function indices: the indices; else null. */
  funcIndices: number[] | null;
  /** Forms with expressions: one per element; else null. */
  exprs: ConstExpr[] | null;
}

/** What `ElementSegments.kinds` holds for each segment. */
export const ElemKind = {
  /** Function indices, active on table 0 at `i32.const offsets[i]`: what compilers emit. */
  active: 0,
  /** Function indices (funcref), passive. */
  passive: 1,
  /** Function indices (funcref), declarative. */
  declarative: 2,
  /** Any other form: the segment is `others[offsets[i]]`. */
  other: 3,
} as const;

/**
 * A module's element segments, in parallel typed arrays, like `DataSegments`:
 * an object per segment cost ~300 bytes, so 10,000,000 empty segments (the
 * JS API's limit) took 3 GB to validate. Read one segment with
 * `elementSegmentAt` or `elementSegmentFuncs` (element-segments.ts).
 */
export interface ElementSegments {
  /** The function indices of the compact segments, one segment after the other. */
  funcs: Uint32Array;
  /** Compact segment i is `funcs[i === 0 ? 0 : ends[i - 1], ends[i])` (an `other` one adds none); `ends.length` is the count. */
  ends: Uint32Array;
  /** The ElemKind of each segment. */
  kinds: Uint8Array;
  /** Per segment: the offset for `ElemKind.active`, the index in `others` for `other`, else 0. */
  offsets: Int32Array;
  /** The segments of the `other` kind, in segment order. */
  others: ElementSegment[];
}

/** What `DataSegments.kinds` holds for each segment. */
export const DataKind = {
  /** Active on memory 0 at `i32.const offsets[i]`: what compilers emit. */
  active: 0,
  passive: 1,
  /** Active with its memory and offset expression in `placements[offsets[i]]`. */
  activeExpr: 2,
} as const;

/** Where an active segment of the rarer forms goes: another memory, or an offset other than a lone i32.const. */
export interface DataPlacement {
  memory: number;
  offset: ConstExpr;
}

/**
 * A module's data segments, in parallel typed arrays. Compilers emit many
 * small segments (esbuild-wasm: 98,450 holding 3.2 MB): as one object with
 * an offset expression and a byte view each, they held 32 MB, here 4 MB.
 * Plain data, so packing and cloning see five values, not 100,000 objects.
 * Read a segment with `dataSegmentBytes` or `dataSegmentAt` (data-segments.ts).
 */
export interface DataSegments {
  /** Every segment's bytes, one after the other: a copy owned by the module. */
  bytes: Uint8Array;
  /** Segment i is `bytes[i === 0 ? 0 : ends[i - 1], ends[i])`; `ends.length` is the number of segments. */
  ends: Uint32Array;
  /** The DataKind of each segment. */
  kinds: Uint8Array;
  /** Per segment: the offset for `DataKind.active`, the index in `placements` for `activeExpr`, 0 for passive. */
  offsets: Int32Array;
  /** The placements of the `activeExpr` segments, in segment order. */
  placements: DataPlacement[];
}

/** One data segment as a separate object: what `dataSegmentAt` returns, what `makeDataSegments` takes. */
export interface DataSegment {
  mode: 'active' | 'passive';
  memory: number;
  offset: ConstExpr | null;
  bytes: Uint8Array;
}

export interface CustomSection {
  name: string;
  /** Payload after the name; a copy owned by the module. */
  bytes: Uint8Array;
  /** Absolute offset of the section id byte. */
  offset: number;
}

/** What the `name` custom section says; absent names are simply missing. */
export interface NameMap {
  module: string | null;
  /** functions[i] = name of function i, or undefined. Sparse. */
  functions: Record<number, string>;
  /** locals[f][l] = name of local l of function f. */
  locals: Record<number, Record<number, string>>;
}

// ---- Features -----------------------------------------------------------------

export interface Features {
  /** WebAssembly 2.0 parts, on by default. */
  signExtension: boolean;
  saturatingFloatToInt: boolean;
  multiValue: boolean;
  bulkMemory: boolean;
  referenceTypes: boolean;
  simd: boolean;
  /** Proposals. */
  relaxedSimd: boolean;
  threads: boolean;
  exceptions: boolean;
  tailCall: boolean;
  extendedConst: boolean;
  multiMemory: boolean;
  memory64: boolean;
  functionReferences: boolean;
  gc: boolean;
}
export type FeatureName = keyof Features;

/**
 * WebAssembly 2.0 plus the proposals Node 20 enables by default (threads, exceptions,
 * tail calls) and extended-const (standard in WebAssembly 3.0; Node 20 keeps it behind a flag).
 */
export const DEFAULT_FEATURES: Readonly<Features> = Object.freeze({
  signExtension: true,
  saturatingFloatToInt: true,
  multiValue: true,
  bulkMemory: true,
  referenceTypes: true,
  simd: true,
  relaxedSimd: false,
  threads: true,
  exceptions: true,
  tailCall: true,
  extendedConst: true,
  multiMemory: false,
  memory64: false,
  functionReferences: false,
  gc: false,
});

// ---- ModuleEnv ------------------------------------------------------------------

/**
 * Everything a function body's validator and emitter need, frozen when the code
 * section starts. Plain data: sent once to each worker.
 */
export interface ModuleEnv {
  features: Features;
  types: TypeDef[];
  /** Type index of every function: imported first, then defined. */
  funcs: number[];
  numImportedFuncs: number;
  /** Imported then defined. */
  tables: TableType[];
  memories: MemoryType[];
  globals: GlobalType[];
  numImportedGlobals: number;
  /** Type index of every tag: imported then defined. */
  tags: number[];
  /** Reference type of each element segment (a typed array: there may be 10,000,000). */
  elemTypes: Int32Array;
  /** Count from the data count section, or null when absent. */
  dataCount: number | null;
  /** Function indices that `ref.func` may name in bodies (C.refs), sorted ascending. */
  declaredFuncRefs: number[];
}

// ---- The whole module ---------------------------------------------------------------

/** One function body as the code section holds it. */
export interface FunctionBody {
  /** Function index (imports included). */
  index: number;
  /** Absolute offset of the body's first byte (after its size). */
  offset: number;
  /** The body's bytes: locals and expression, up to and including the final `end`. */
  bytes: Uint8Array;
}

export interface WasmModule {
  types: TypeDef[];
  imports: Import[];
  /** Type index of each defined function. */
  functions: number[];
  tables: TableDef[];
  memories: MemoryType[];
  globals: GlobalDef[];
  tags: TagType[];
  exports: Export[];
  start: number | null;
  elements: ElementSegments;
  dataCount: number | null;
  data: DataSegments;
  customSections: CustomSection[];
  names: NameMap | null;
}
