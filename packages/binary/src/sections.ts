/**
 * Decoders for the contents of each module section into the plain structures
 * of `types.ts`. They check the binary format (malformed) and the JS API's
 * implementation limits on counts, because those bound what decoding may
 * allocate. Everything else that needs module context (index ranges, types of
 * constant expressions, section order) is `ModuleBuilder`'s job; to let it
 * report located errors, entry decoders return each entry's absolute offset.
 *
 * Bytes the module keeps (data segments, v128 constants) are copies, never
 * views of the streamed buffer; the data segments of one section share one
 * copy of their bytes.
 */

import { copyBytes } from './data-segments.js';
import { invalid, malformed } from './errors.js';
import { constantEnabled, Imm, Op, opInfo } from './opcodes.js';
import { OperatorReader, readRefType, readValType } from './operator-reader.js';
import { Reader } from './reader.js';
import type {
  ConstExpr,
  ConstInstr,
  DataPlacement,
  DataSegments,
  ElementSegment,
  Export,
  ExternalKind,
  Features,
  FieldType,
  GlobalDef,
  GlobalType,
  Import,
  Limits,
  MemoryType,
  NameMap,
  TableDef,
  TableType,
  TagType,
  TypeDef,
  ValType,
} from './types.js';
import { DataKind, FUNCREF, I8, I16 } from './types.js';

export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/**
 * The JS API's implementation-defined limits, as V8 in Node 20 applies them
 * (the later spec raised imports and exports to 1,000,000).
 */
export const IMPL_LIMITS = {
  types: 1_000_000,
  functions: 1_000_000,
  imports: 100_000,
  exports: 100_000,
  globals: 1_000_000,
  tags: 1_000_000,
  dataSegments: 100_000,
  elementSegments: 10_000_000,
  tables: 100_000,
  tableSize: 10_000_000,
  tableInitEntries: 10_000_000,
  memories: 100,
  memory32Pages: 65_536,
  /** The core spec's bound for 64-bit memories: 2^48 pages of 64 KiB = 2^64 bytes. */
  memory64Pages: 2 ** 48,
  functionBodySize: 7_654_321,
  params: 1_000,
  results: 1_000,
  structFields: 10_000,
  arrayNewFixed: 10_000,
  subtypeDepth: 63,
} as const;

// ---- Counts ------------------------------------------------------------------------

/** A vector length, rejected early when it exceeds an implementation limit. */
export function readCount(r: Reader, max: number, what: string): number {
  const pos = r.pos;
  const n = r.u32();
  if (n > max) throw invalid(`${what} count of ${n} exceeds internal limit of ${max}`, r.base + pos);
  return n;
}

function readMutability(r: Reader): boolean {
  const pos = r.pos;
  const b = r.u8();
  if (b > 1) throw r.error('malformed mutability', pos);
  return b === 1;
}

// ---- Types ------------------------------------------------------------------------

function readValTypes(r: Reader, f: Features, max: number, what: string): ValType[] {
  const n = readCount(r, max, what);
  const out: ValType[] = [];
  for (let i = 0; i < n; i++) out.push(readValType(r, f));
  return out;
}

function readFieldType(r: Reader, f: Features): FieldType {
  const b = r.peekU8();
  let type: ValType;
  if (b === I8 || b === I16) {
    r.pos++;
    type = b;
  } else {
    type = readValType(r, f);
  }
  return { type, mutable: readMutability(r) };
}

function readSubType(r: Reader, f: Features, recGroup: number, recGroupSize: number): TypeDef {
  let final = true;
  const supertypes: number[] = [];
  let pos = r.pos;
  let form = r.u8();
  if (f.gc && (form === 0x50 || form === 0x4f)) {
    final = form === 0x4f;
    const n = r.u32();
    for (let i = 0; i < n; i++) supertypes.push(r.u32());
    pos = r.pos;
    form = r.u8();
  }
  if (form === 0x60) {
    const params = readValTypes(r, f, IMPL_LIMITS.params, 'param');
    const results = readValTypes(r, f, IMPL_LIMITS.results, 'return');
    return { kind: 'func', params, results, final, supertypes, recGroup, recGroupSize };
  }
  if (f.gc && form === 0x5f) {
    const n = readCount(r, IMPL_LIMITS.structFields, 'struct field');
    const fields: FieldType[] = [];
    for (let i = 0; i < n; i++) fields.push(readFieldType(r, f));
    return { kind: 'struct', fields, final, supertypes, recGroup, recGroupSize };
  }
  if (f.gc && form === 0x5e) {
    return { kind: 'array', field: readFieldType(r, f), final, supertypes, recGroup, recGroupSize };
  }
  throw r.error('malformed type form', pos);
}

/**
 * The type section. `types` grows by whole recursion groups; `offsets[i]` is
 * where type i's definition starts. `firstIndex` is the number of types
 * already defined (0: there is one type section).
 */
export function decodeTypeSection(
  r: Reader,
  f: Features,
  firstIndex = 0,
): { types: TypeDef[]; offsets: number[] } {
  const types: TypeDef[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.types, 'types');
  for (let i = 0; i < count; i++) {
    if (f.gc && r.peekU8() === 0x4e) {
      r.pos++;
      const groupPos = r.pos;
      const n = r.u32();
      const start = firstIndex + types.length;
      if (start + n > IMPL_LIMITS.types) {
        throw invalid(
          `types count of ${start + n} exceeds internal limit of ${IMPL_LIMITS.types}`,
          r.base + groupPos,
        );
      }
      for (let j = 0; j < n; j++) {
        offsets.push(r.offset);
        types.push(readSubType(r, f, start, n));
      }
    } else {
      if (firstIndex + types.length + 1 > IMPL_LIMITS.types) {
        throw invalid(`types count exceeds internal limit of ${IMPL_LIMITS.types}`, r.offset);
      }
      offsets.push(r.offset);
      types.push(readSubType(r, f, firstIndex + types.length, 1));
    }
  }
  return { types, offsets };
}

// ---- Limits, tables, memories, globals -----------------------------------------------

export function readLimits(r: Reader, f: Features, isMemory: boolean): Limits {
  const pos = r.pos;
  const flags = r.u8();
  const allowed = 1 | (isMemory && f.threads ? 2 : 0) | (f.memory64 ? 4 : 0);
  if (flags & ~allowed) throw r.error('malformed limits flags', pos);
  const index64 = (flags & 4) !== 0;
  const min = index64 ? r.u64() : r.u32();
  const max = flags & 1 ? (index64 ? r.u64() : r.u32()) : null;
  return { min, max, shared: (flags & 2) !== 0, index64 };
}

export function readTableType(r: Reader, f: Features): TableType {
  const refType = readRefType(r, f);
  return { refType, limits: readLimits(r, f, false) };
}

export function readMemoryType(r: Reader, f: Features): MemoryType {
  return { limits: readLimits(r, f, true) };
}

export function readGlobalType(r: Reader, f: Features): GlobalType {
  const type = readValType(r, f);
  return { type, mutable: readMutability(r) };
}

function readTagType(r: Reader): TagType {
  const pos = r.pos;
  if (r.u8() !== 0) throw r.error('malformed tag attribute', pos);
  return { typeIndex: r.u32() };
}

// ---- Constant expressions -----------------------------------------------------------

/**
 * A constant expression up to and including its `end` (which is not listed in
 * `instrs`). Only decodes: an unknown opcode is malformed, a known one that is
 * not constant is invalid; `type` is 0 until ModuleBuilder validates it. Pass
 * `o` to reuse one OperatorReader across the expressions of a section.
 */
export function readConstExpr(r: Reader, f: Features, o?: OperatorReader): ConstExpr {
  const offset = r.offset;
  // Fast path for the most common form, `i32.const n end` (segment offsets).
  const b = r.bytes;
  const start = r.pos;
  if (b[start] === Op.i32_const && start < r.end) {
    r.pos = start + 1;
    const value = r.s32();
    if (r.pos < r.end && b[r.pos] === Op.end) {
      r.pos++;
      return { offset, instrs: [{ op: Op.i32_const, imm: value }], type: 0 };
    }
    r.pos = start;
  }
  const instrs: ConstInstr[] = [];
  if (o) o.reset(r.bytes, r.pos, r.end, r.base);
  else o = new OperatorReader(r.bytes, r.pos, r.end, r.base, f);
  try {
    for (;;) {
      const op = o.next();
      if (op === Op.end) return { offset, instrs, type: 0 };
      // The reader knows every operator it returns.
      const info = opInfo(op)!;
      if (!constantEnabled(info, f)) throw invalid('constant expression required', o.opOffset);
      switch (info.imm) {
        case Imm.i32:
          instrs.push({ op, imm: o.i32 });
          break;
        case Imm.i64:
          instrs.push({ op, imm: o.i64 });
          break;
        case Imm.f32:
          instrs.push({ op, imm: o.f32Bits });
          break;
        case Imm.f64:
          instrs.push({ op, imm: (BigInt(o.f64Hi) << 32n) | BigInt(o.f64Lo) });
          break;
        case Imm.v128:
          instrs.push({ op, imm: o.v128.slice() });
          break;
        case Imm.refNull:
          instrs.push({ op, imm: o.heapType });
          break;
        case Imm.typeN:
          instrs.push({ op, imm: o.index, imm2: o.index2 });
          break;
        case Imm.global:
        case Imm.func:
        case Imm.type:
          instrs.push({ op, imm: o.index });
          break;
        case Imm.none:
          instrs.push({ op });
          break;
        default:
          throw new Error(`readConstExpr: immediate kind ${info.imm} of ${info.name} not kept`);
      }
    }
  } finally {
    r.pos = o.pos;
  }
}

// ---- Section decoders -----------------------------------------------------------------

export interface Decoded<T> {
  items: T[];
  /** Absolute offset of each item's first byte. */
  offsets: number[];
}

export function decodeImportSection(r: Reader, f: Features): Decoded<Import> {
  const items: Import[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.imports, 'imports');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    const module = r.name();
    const name = r.name();
    const kindPos = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0:
        items.push({ module, name, kind, typeIndex: r.u32() });
        break;
      case 1:
        items.push({ module, name, kind, table: readTableType(r, f) });
        break;
      case 2:
        items.push({ module, name, kind, memory: readMemoryType(r, f) });
        break;
      case 3:
        items.push({ module, name, kind, global: readGlobalType(r, f) });
        break;
      case 4:
        if (!f.exceptions) throw r.error('malformed import kind', kindPos);
        items.push({ module, name, kind, tag: readTagType(r) });
        break;
      default:
        throw r.error('malformed import kind', kindPos);
    }
  }
  return { items, offsets };
}

export function decodeFunctionSection(r: Reader): Decoded<number> {
  const items: number[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.functions, 'functions');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    items.push(r.u32());
  }
  return { items, offsets };
}

export function decodeTableSection(r: Reader, f: Features): Decoded<TableDef> {
  const o = new OperatorReader(r.bytes, r.pos, r.end, r.base, f);
  const items: TableDef[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.tables, 'table');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    if (r.peekU8() === 0x40 && (f.functionReferences || f.gc)) {
      const pos = ++r.pos;
      if (r.u8() !== 0) throw r.error('malformed table', pos);
      const type = readTableType(r, f);
      items.push({ ...type, init: readConstExpr(r, f, o) });
    } else {
      items.push({ ...readTableType(r, f), init: null });
    }
  }
  return { items, offsets };
}

export function decodeMemorySection(r: Reader, f: Features): Decoded<MemoryType> {
  const items: MemoryType[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.memories, 'memory');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    items.push(readMemoryType(r, f));
  }
  return { items, offsets };
}

export function decodeTagSection(r: Reader): Decoded<TagType> {
  const items: TagType[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.tags, 'tags');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    items.push(readTagType(r));
  }
  return { items, offsets };
}

export function decodeGlobalSection(r: Reader, f: Features): Decoded<GlobalDef> {
  const o = new OperatorReader(r.bytes, r.pos, r.end, r.base, f);
  const items: GlobalDef[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.globals, 'globals');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    const type = readGlobalType(r, f);
    items.push({ type, init: readConstExpr(r, f, o) });
  }
  return { items, offsets };
}

export function decodeExportSection(r: Reader, f: Features): Decoded<Export> {
  const items: Export[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.exports, 'exports');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    const name = r.name();
    const kindPos = r.pos;
    const kind = r.u8();
    if (kind > 4 || (kind === 4 && !f.exceptions)) throw r.error('malformed export kind', kindPos);
    items.push({ name, kind: kind as ExternalKind, index: r.u32() });
  }
  return { items, offsets };
}

export function decodeStartSection(r: Reader): number {
  return r.u32();
}

export function decodeDataCountSection(r: Reader): number {
  return r.u32();
}

export function decodeElementSection(r: Reader, f: Features): Decoded<ElementSegment> {
  const o = new OperatorReader(r.bytes, r.pos, r.end, r.base, f);
  const items: ElementSegment[] = [];
  const offsets: number[] = [];
  const count = readCount(r, IMPL_LIMITS.elementSegments, 'element segments');
  for (let i = 0; i < count; i++) {
    offsets.push(r.offset);
    const flagsPos = r.pos;
    const flags = r.u32();
    if (flags > 7 || (flags !== 0 && !(f.bulkMemory || f.referenceTypes))) {
      throw r.error('malformed elements segment kind', flagsPos);
    }
    const mode = flags & 1 ? (flags & 2 ? 'declarative' : 'passive') : 'active';
    const table = (flags & 3) === 2 ? r.u32() : 0;
    const offset = mode === 'active' ? readConstExpr(r, f, o) : null;
    const usesExprs = (flags & 4) !== 0;
    let type = FUNCREF;
    if ((flags & 3) !== 0) {
      if (usesExprs) {
        type = readRefType(r, f);
      } else {
        const kindPos = r.pos;
        if (r.u8() !== 0) throw r.error('malformed element kind', kindPos);
      }
    }
    const n = readCount(r, IMPL_LIMITS.tableInitEntries, 'table init entries');
    let funcIndices: number[] | null = null;
    let exprs: ConstExpr[] | null = null;
    if (usesExprs) {
      exprs = [];
      for (let j = 0; j < n; j++) exprs.push(readConstExpr(r, f, o));
    } else {
      funcIndices = [];
      for (let j = 0; j < n; j++) funcIndices.push(r.u32());
    }
    items.push({ mode, table, offset, refType: type, funcIndices, exprs });
  }
  return { items, offsets };
}

/** The data section: its segments, and where each starts (for `ModuleBuilder`'s errors). */
export interface DecodedData {
  segments: DataSegments;
  /** Absolute offset of each segment's first byte. */
  offsets: number[];
}

/**
 * The data section in the compact form of `DataSegments`: the segments'
 * bytes copied together into one array owned by the module, and no object
 * per segment unless its offset is not the usual `i32.const n` on memory 0.
 */
export function decodeDataSection(r: Reader, f: Features): DecodedData {
  let o: OperatorReader | undefined;
  const count = readCount(r, IMPL_LIMITS.dataSegments, 'data segments');
  const ends = new Uint32Array(count);
  const kinds = new Uint8Array(count);
  const offsets = new Int32Array(count);
  const placements: DataPlacement[] = [];
  const segmentOffsets: number[] = [];
  // Where each segment's bytes are in the section, until all are read and copied out.
  const from = new Uint32Array(count);
  const b = r.bytes;
  let total = 0;
  for (let i = 0; i < count; i++) {
    segmentOffsets.push(r.offset);
    const flagsPos = r.pos;
    const flags = r.u32();
    if (flags > 2 || (flags !== 0 && !f.bulkMemory && !f.multiMemory)) {
      throw r.error('malformed data segment kind', flagsPos);
    }
    if (flags === 1) {
      kinds[i] = DataKind.passive;
    } else {
      const memory = flags === 2 ? r.u32() : 0;
      // The usual form, memory 0 and `i32.const n end`, keeps only n. Only
      // with a one-byte flags field: ModuleBuilder then knows the expression
      // starts one byte after the segment, for its error on a 64-bit memory.
      const exprPos = r.pos;
      let compact = false;
      if (flags === 0 && exprPos === flagsPos + 1 && exprPos < r.end && b[exprPos] === Op.i32_const) {
        r.pos = exprPos + 1;
        const n = r.s32();
        if (r.pos < r.end && b[r.pos] === Op.end) {
          r.pos++;
          offsets[i] = n;
          compact = true;
        } else {
          r.pos = exprPos;
        }
      }
      if (!compact) {
        o ??= new OperatorReader(r.bytes, r.pos, r.end, r.base, f);
        kinds[i] = DataKind.activeExpr;
        offsets[i] = placements.length;
        placements.push({ memory, offset: readConstExpr(r, f, o) });
      }
    }
    const size = r.u32();
    from[i] = r.pos;
    r.skip(size);
    total += size;
    ends[i] = total;
  }
  // One copy owned by the module, without the segments' headers (esbuild-wasm:
  // 3.2 of the section's 3.9 MB); never a view of the streamed buffer.
  const bytes = new Uint8Array(total);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = ends[i];
    copyBytes(b, from[i], from[i] + end - start, bytes, start);
    start = end;
  }
  return { segments: { bytes, ends, kinds, offsets, placements }, offsets: segmentOffsets };
}

// ---- The name section ---------------------------------------------------------------

function readNameMap(r: Reader, into: Record<number, string>): void {
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    into[index] = r.name();
  }
}

/**
 * The `name` custom section, decoded leniently as engines do: a broken
 * subsection is skipped, broken framing ends decoding with what was read, and
 * the function never throws.
 */
export function decodeNameSection(bytes: Uint8Array, base = 0): NameMap {
  const names: NameMap = { module: null, functions: {}, locals: {} };
  const r = new Reader(bytes, 0, bytes.length, base);
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.u32();
      const end = r.pos + size;
      if (end > r.end) break;
      const sub = new Reader(bytes, r.pos, end, base);
      r.pos = end;
      try {
        if (id === 0) {
          names.module = sub.name();
        } else if (id === 1) {
          readNameMap(sub, names.functions);
        } else if (id === 2) {
          const n = sub.u32();
          for (let i = 0; i < n; i++) {
            const func = sub.u32();
            const locals: Record<number, string> = {};
            readNameMap(sub, locals);
            names.locals[func] = locals;
          }
        }
      } catch {
        // A broken subsection is ignored.
      }
    }
  } catch {
    // Broken framing: keep what was decoded.
  }
  return names;
}

/** Reports leftover bytes after a section's contents. */
export function expectSectionEnd(r: Reader): void {
  if (r.pos !== r.end) throw malformed('section size mismatch', r.offset);
}
