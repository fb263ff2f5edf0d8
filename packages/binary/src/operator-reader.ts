/**
 * Decoding of function bodies, one instruction at a time, for the compiler's hot
 * loop, plus the value-type decoders the section decoder shares.
 *
 * `OperatorReader` is a `Reader` over one body (or a constant expression):
 *
 *   const r = new OperatorReader(bytes, pos, end, base, features);
 *   r.readLocals(numParams);          // localCounts / localTypesRun / numLocals
 *   while (...) { const op = r.next(); switch (op) { case Op.i32_add: ... } }
 *
 * `next()` decodes one instruction and returns its operator id (`Op.*`, see
 * opcodes.ts). Nothing is allocated per instruction except the v128 view
 * (v128.const, i8x16.shuffle): immediates land in reused fields, valid until the next call:
 *
 * | immediate kind (Imm)          | fields                                                  |
 * | ----------------------------- | ------------------------------------------------------- |
 * | blockType                     | blockKind (BlockKind.*), blockType (ValType or typeidx) |
 * | label, func, local, global,   | index                                                   |
 * | table, tag, type, data, elem  |                                                         |
 * | brTable                       | brTargets (length = count), brDefault                   |
 * | callIndirect                  | index = typeidx, index2 = tableidx                      |
 * | memarg                        | memAlign (log2, unchecked), memOffset, memIndex          |
 * | memargLane                    | memarg fields, lane                                     |
 * | memory (size/grow/fill)       | memIndex                                                |
 * | memoryInit                    | index = dataidx, memIndex                               |
 * | memoryCopy                    | memIndex = destination, index2 = source memory          |
 * | tableInit                     | index = elemidx, index2 = tableidx                      |
 * | tableCopy                     | index = destination, index2 = source table              |
 * | i32 / i64                     | i32 (signed) / i64Lo, i64Hi (signed int32 halves);      |
 * |                               | the getter `i64` gives the bigint                       |
 * | f32 / f64                     | f32Bits (u32) / f64Lo, f64Hi (u32 each)                 |
 * | v128, shuffle                 | v128 (16-byte view into the caller's buffer)            |
 * | lane                          | lane                                                    |
 * | selectT                       | selectTypes                                             |
 * | refNull, heapType             | heapType                                                |
 * | tryTable                      | blockKind/blockType, catchKinds/catchTags/catchLabels   |
 * | typeField/typeType/typeData/  | index = typeidx, index2 = field/type/data/elem index    |
 * | typeElem/typeN                | or the array.new_fixed length                           |
 * | brOnCast                      | castFlags, index = label, heapType, heapType2           |
 *
 * `opOffset` is the absolute offset of the instruction's first byte. The reader
 * checks only what makes a body malformed (unknown or disabled opcodes, LEB128
 * errors, reserved bytes, truncation), throwing `WasmError('malformed')` with an
 * absolute offset; indices, alignment, lane ranges and types are left to validation.
 *
 * Memory64: with the feature on, memarg offsets are u64 (JS numbers, exact below
 * 2^53; whether the offset fits the memory's index type is validation's job).
 */
import { invalid, malformed, WasmError } from './errors.js';
import { IMPL_LIMITS } from './limits.js';
import { featureEnabled, Imm, OPCODES, Op, opEnabled, opInfo, prefixSize } from './opcodes.js';
import { Reader } from './reader.js';
import {
  CONCRETE,
  EXTERNREF,
  F32,
  F64,
  type Features,
  FUNCREF,
  type HeapType,
  I32,
  I64,
  refType,
  V128,
  type ValType,
} from './types.js';

/** V8's limit on params + locals of one function. */
export const MAX_FUNCTION_LOCALS = IMPL_LIMITS.locals;

/** V8's limit on the number of types; larger type indices cannot be valid. */
const MAX_TYPES = IMPL_LIMITS.types;

/** `blockKind` values. */
export const BlockKind = { empty: 0, value: 1, type: 2 } as const;

/** try_table catch clause kinds (`catchKinds`). */
export const CatchKind = { catch: 0, catchRef: 1, catchAll: 2, catchAllRef: 3 } as const;

/** Where `readBlockType` writes. */
export interface BlockTypeTarget {
  blockKind: number;
  blockType: number;
}

// ---- Value types ---------------------------------------------------------------

function funcRefsOn(features: Features): boolean {
  return features.functionReferences || features.gc;
}

/** An abstract heap type byte, or -1 if unknown or disabled. */
function abstractHeap(b: number, features: Features): HeapType {
  switch (b) {
    case 0x70: // func
    case 0x6f: // extern
      return b;
    case 0x6e: // any
    case 0x6d: // eq
    case 0x6c: // i31
    case 0x6b: // struct
    case 0x6a: // array
    case 0x71: // none
    case 0x72: // noextern
    case 0x73: // nofunc
      return features.gc ? b : -1;
    case 0x69: // exn
    case 0x74: // noexn
      return features.exceptions ? b : -1;
  }
  return -1;
}

/**
 * heaptype: an abstract heap type byte, or a non-negative s33 type index
 * (function references / GC), returned as `CONCRETE + index`.
 */
export function readHeapType(r: Reader, features: Features): HeapType {
  const pos = r.pos;
  if (pos >= r.end) throw r.eof();
  const b = r.bytes[pos];
  if ((b & 0xc0) === 0x40) {
    // A one-byte negative s33: the abstract heap types live here.
    r.pos = pos + 1;
    const h = abstractHeap(b, features);
    if (h < 0) throw r.error('malformed heap type', pos);
    return h;
  }
  const v = r.s33();
  if (v < 0 || !funcRefsOn(features)) throw r.error('malformed heap type', pos);
  // Beyond the type-count limit an index can never be valid (and would not fit a ValType).
  if (v >= MAX_TYPES) throw invalid(`unknown type ${v}`, r.base + pos);
  return CONCRETE + v;
}

/** The `(ref null? ht)` forms 0x63/0x64 and the one-byte abbreviations; `b` consumed. */
function refTypeFromByte(r: Reader, features: Features, b: number, pos: number, what: string): ValType {
  if (b === 0x63 || b === 0x64) {
    if (!funcRefsOn(features)) throw r.error(what, pos);
    return refType(readHeapType(r, features), b === 0x63);
  }
  const h = abstractHeap(b, features);
  if (h < 0) throw r.error(what, pos);
  return refType(h, true);
}

/** valtype: numeric, v128 (SIMD), reference types (reference types, function references, GC). */
export function readValType(r: Reader, features: Features): ValType {
  const pos = r.pos;
  if (pos >= r.end) throw r.eof();
  const b = r.bytes[pos];
  r.pos = pos + 1;
  switch (b) {
    case I32:
    case I64:
    case F32:
    case F64:
      return b;
    case V128:
      if (features.simd) return V128;
      throw r.error('malformed value type', pos);
    case 0x70:
      if (features.referenceTypes) return FUNCREF;
      throw r.error('malformed value type', pos);
    case 0x6f:
      if (features.referenceTypes) return EXTERNREF;
      throw r.error('malformed value type', pos);
  }
  return refTypeFromByte(r, features, b, pos, 'malformed value type');
}

/** reftype (tables, element segments): funcref always, the others by feature. */
export function readRefType(r: Reader, features: Features): ValType {
  const pos = r.pos;
  if (pos >= r.end) throw r.eof();
  const b = r.bytes[pos];
  r.pos = pos + 1;
  if (b === 0x70) return FUNCREF;
  if (b === 0x6f) {
    if (features.referenceTypes) return EXTERNREF;
    throw r.error('malformed reference type', pos);
  }
  return refTypeFromByte(r, features, b, pos, 'malformed reference type');
}

/** blocktype: 0x40 (empty), a value type, or a non-negative s33 type index (multi-value). */
export function readBlockType(r: Reader, features: Features, out: BlockTypeTarget): void {
  const pos = r.pos;
  if (pos >= r.end) throw r.eof();
  const b = r.bytes[pos];
  if (b === 0x40) {
    r.pos = pos + 1;
    out.blockKind = BlockKind.empty;
    out.blockType = 0;
    return;
  }
  if ((b & 0xc0) === 0x40) {
    // One-byte negative s33: a value type.
    out.blockKind = BlockKind.value;
    out.blockType = readValType(r, features);
    return;
  }
  const v = r.s33();
  if (v < 0 || !features.multiValue) throw r.error('malformed block type', pos);
  out.blockKind = BlockKind.type;
  out.blockType = v;
}

// ---- Per-feature dispatch tables ---------------------------------------------------

/** Immediate kind tables: 255 = illegal or disabled, 254 = a prefix byte. */
const ILLEGAL = 255;
const PREFIX = 254;

interface DispatchTables {
  single: Uint8Array;
  /** Indexed by prefix - 0xfb. */
  prefixed: Uint8Array[];
}

const tableCache = new Map<number, DispatchTables>();

function featureMask(f: Features): number {
  return (
    (f.signExtension ? 1 : 0) |
    (f.saturatingFloatToInt ? 2 : 0) |
    (f.multiValue ? 4 : 0) |
    (f.bulkMemory ? 8 : 0) |
    (f.referenceTypes ? 0x10 : 0) |
    (f.simd ? 0x20 : 0) |
    (f.relaxedSimd ? 0x40 : 0) |
    (f.threads ? 0x80 : 0) |
    (f.exceptions ? 0x100 : 0) |
    (f.tailCall ? 0x200 : 0) |
    (f.extendedConst ? 0x400 : 0) |
    (f.multiMemory ? 0x800 : 0) |
    (f.memory64 ? 0x1000 : 0) |
    (f.functionReferences ? 0x2000 : 0) |
    (f.gc ? 0x4000 : 0)
  );
}

function dispatchTables(features: Features): DispatchTables {
  const mask = featureMask(features);
  let t = tableCache.get(mask);
  if (t !== undefined) return t;
  const single = new Uint8Array(256).fill(ILLEGAL);
  const prefixed = [0xfb, 0xfc, 0xfd, 0xfe].map((p) => new Uint8Array(prefixSize(p)).fill(ILLEGAL));
  for (const info of OPCODES) {
    if (!opEnabled(info, features)) continue;
    if (info.prefix === 0) single[info.code] = info.imm;
    else prefixed[info.prefix - 0xfb][info.code] = info.imm;
  }
  for (let p = 0xfb; p <= 0xfe; p++) single[p] = PREFIX;
  t = { single, prefixed };
  tableCache.set(mask, t);
  return t;
}

const EMPTY_BYTES = new Uint8Array(0);

/**
 * The first value of the immediates that may hold numbers outside the small
 * integers (float bits and memarg offsets of 2^31 and more). V8 gives a field the
 * representation of its first value: a small-integer field that later gets
 * a heap number changes the reader's map, and every function optimized
 * against the old map deoptimizes, the compiler's big opcode loop included
 * (several times per thread, each re-optimization about 0.2 s of TurboFan).
 * -0 is a heap number, so these fields are doubles from the start; it equals 0.
 */
const NUMBER_FIELD = -0;

// ---- The reader ------------------------------------------------------------------------

export class OperatorReader extends Reader {
  features: Features;

  /** Absolute offset of the current instruction's first byte. */
  opOffset = 0;

  // Immediates of the last instruction (see the table in the file header).
  blockKind = 0;
  blockType = 0;
  index = 0;
  index2 = 0;
  memAlign = 0;
  memOffset = NUMBER_FIELD;
  memIndex = 0;
  lane = 0;
  i32 = 0;
  /** i64.const: the value's low and high 32 bits, each as a signed int32 (see also `i64`). */
  i64Lo = 0;
  i64Hi = 0;
  f32Bits = NUMBER_FIELD;
  f64Lo = NUMBER_FIELD;
  f64Hi = NUMBER_FIELD;
  v128: Uint8Array = EMPTY_BYTES;
  brTargets: number[] = [];
  brDefault = 0;
  selectTypes: ValType[] = [];
  heapType = 0;
  heapType2 = 0;
  castFlags = 0;
  catchKinds: number[] = [];
  /** Tag index per catch clause; -1 for catch_all forms. */
  catchTags: number[] = [];
  catchLabels: number[] = [];

  // Locals, as (count, type) runs.
  localCounts: number[] = [];
  localTypesRun: ValType[] = [];
  /** Number of declared locals (params not included). */
  numLocals = 0;

  private single: Uint8Array;
  private prefixed: Uint8Array[];
  private multiMemory: boolean;
  private memory64: boolean;
  private refTypes: boolean;

  constructor(bytes: Uint8Array, pos: number, end: number, base: number, features: Features) {
    super(bytes, pos, end, base);
    this.features = features;
    const t = dispatchTables(features);
    this.single = t.single;
    this.prefixed = t.prefixed;
    this.multiMemory = features.multiMemory;
    this.memory64 = features.memory64;
    this.refTypes = features.referenceTypes;
    // Until the first instruction, errors (a local's type) point at the body's start.
    this.opOffset = base + pos;
  }

  /** Point the reader at another body with the same features. */
  reset(bytes: Uint8Array, pos: number, end: number, base: number): void {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.opOffset = base + pos;
  }

  /**
   * The locals vector. More than 2^32 - 1 locals is malformed; more than
   * MAX_FUNCTION_LOCALS params + locals is invalid (checked after the whole vector).
   */
  readLocals(numParams = 0): void {
    const start = this.pos;
    const runs = this.u32();
    const counts = this.localCounts;
    const types = this.localTypesRun;
    counts.length = 0;
    types.length = 0;
    let total = 0;
    for (let i = 0; i < runs; i++) {
      const countPos = this.pos;
      const n = this.u32();
      total += n;
      if (total > 0xffffffff) throw this.error('too many locals', countPos);
      types.push(readValType(this, this.features));
      counts.push(n);
    }
    this.numLocals = total;
    if (total + numParams > MAX_FUNCTION_LOCALS) throw invalid('too many locals', this.base + start);
  }

  /** Params followed by the declared locals, expanded: the type of every local index. */
  localTypes(params: readonly ValType[]): ValType[] {
    const out = params.slice();
    const counts = this.localCounts;
    const types = this.localTypesRun;
    for (let i = 0; i < counts.length; i++) for (let j = 0; j < counts[i]; j++) out.push(types[i]);
    return out;
  }

  /** Decode one instruction; returns its operator id. */
  next(): number {
    let pos = this.pos;
    if (pos >= this.end) throw this.eof();
    this.opOffset = this.base + pos;
    let id = this.bytes[pos++];
    this.pos = pos;
    let imm = this.single[id];
    if (imm >= PREFIX) {
      if (imm === ILLEGAL) throw this.illegal(id, -1);
      const table = this.prefixed[id - 0xfb];
      const sub = this.u32();
      imm = sub < table.length ? table[sub] : ILLEGAL;
      if (imm === ILLEGAL) throw this.illegal(id, sub);
      id = (id << 16) | sub;
    }
    switch (imm) {
      case Imm.none:
        break;
      case Imm.blockType:
        readBlockType(this, this.features, this);
        break;
      case Imm.label:
      case Imm.func:
      case Imm.local:
      case Imm.global:
      case Imm.table:
      case Imm.data:
      case Imm.elem:
      case Imm.tag:
      case Imm.type:
        this.index = this.u32();
        break;
      case Imm.memarg:
        this.readMemarg();
        break;
      case Imm.i32:
        this.i32 = this.s32();
        break;
      case Imm.i64:
        this.readI64();
        break;
      case Imm.f32:
        this.f32Bits = this.u32le();
        break;
      case Imm.f64:
        this.f64Lo = this.u32le();
        this.f64Hi = this.u32le();
        break;
      case Imm.brTable:
        this.readBrTable();
        break;
      case Imm.callIndirect:
        this.index = this.u32();
        this.index2 = this.refTypes ? this.u32() : this.zeroByte('zero flag expected');
        break;
      case Imm.memory:
        this.memIndex = this.readMemIndex();
        break;
      case Imm.selectT:
        this.readSelectTypes();
        break;
      case Imm.refNull:
      case Imm.heapType:
        this.heapType = readHeapType(this, this.features);
        break;
      case Imm.memoryInit:
        this.index = this.u32();
        this.memIndex = this.readMemIndex();
        break;
      case Imm.memoryCopy:
        this.memIndex = this.readMemIndex();
        this.index2 = this.readMemIndex();
        break;
      case Imm.tableInit:
        this.index = this.u32();
        this.index2 = this.refTypes ? this.u32() : this.zeroByte('zero byte expected');
        break;
      case Imm.tableCopy:
        if (this.refTypes) {
          this.index = this.u32();
          this.index2 = this.u32();
        } else {
          this.index = this.zeroByte('zero byte expected');
          this.index2 = this.zeroByte('zero byte expected');
        }
        break;
      case Imm.v128:
      case Imm.shuffle:
        this.v128 = this.bytesView(16);
        break;
      case Imm.lane:
        this.lane = this.u8();
        break;
      case Imm.memargLane:
        this.readMemarg();
        this.lane = this.u8();
        break;
      case Imm.tryTable:
        this.readTryTable();
        break;
      case Imm.typeField:
      case Imm.typeType:
      case Imm.typeData:
      case Imm.typeElem:
      case Imm.typeN:
        this.index = this.u32();
        this.index2 = this.u32();
        break;
      case Imm.brOnCast: {
        const flagsPos = this.pos;
        const flags = this.u8();
        if (flags > 3) throw this.error('malformed cast flags', flagsPos);
        this.castFlags = flags;
        this.index = this.u32();
        this.heapType = readHeapType(this, this.features);
        this.heapType2 = readHeapType(this, this.features);
        break;
      }
      case Imm.atomicFence:
        this.zeroByte('zero byte expected');
        break;
      default:
        throw new Error(`operator-reader: unhandled immediate kind ${imm}`);
    }
    return id;
  }

  /** i64.const as a BigInt (allocates; `i64Lo`/`i64Hi` do not). */
  get i64(): bigint {
    return (BigInt(this.i64Hi) << 32n) | BigInt(this.i64Lo >>> 0);
  }

  /** Signed LEB128 i64 into `i64Lo`/`i64Hi` without a BigInt for encodings up to 7 bytes. */
  private readI64(): void {
    const b = this.bytes;
    const end = this.end;
    let pos = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= end) break;
      const byte = b[pos++];
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) v -= mul;
        this.pos = pos;
        // |v| < 2^49: exact; split into two's-complement halves.
        this.i64Lo = v | 0;
        this.i64Hi = Math.floor(v / 4294967296) | 0;
        return;
      }
    }
    this.readLongI64();
  }

  /**
   * i64.const encodings of 8 to 10 bytes, truncated and malformed ones, as
   * `s64` reads them (same errors at the same offsets), into int32 halves
   * with 32-bit arithmetic. No BigInt: Number() of one can be a heap number
   * (see NUMBER_FIELD), and TurboFan (V8 11.3) can abort the process while
   * optimizing BigInt arithmetic here ("Phi of kRepTagged (SignedBigInt64)
   * cannot be changed to kRepWord64").
   */
  private readLongI64(): void {
    const b = this.bytes;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; ; i++) {
      if (pos >= end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      const payload = byte & 0x7f;
      const at = 7 * i; // the payload's lowest bit
      if (i === 9) {
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        // 64 bits: 63 used so far; bits 1..6 of the 10th byte must equal bit 0 (the sign).
        if (payload !== 0 && payload !== 0x7f) throw this.error('integer too large', pos - 1);
        hi |= (byte & 1) << 31;
        break;
      }
      if (at < 32) {
        lo |= payload << at;
        if (at > 25) hi |= payload >>> (32 - at);
      } else {
        hi |= payload << (at - 32);
      }
      if ((byte & 0x80) === 0) {
        // Sign-extend from the last payload's top bit (bit at + 6); fewer than 64 bits were read.
        if (byte & 0x40) {
          const bits = at + 7;
          if (bits < 32) {
            lo |= -1 << bits;
            hi = -1;
          } else {
            hi |= -1 << (bits - 32);
          }
        }
        break;
      }
    }
    this.pos = pos;
    this.i64Lo = lo | 0;
    this.i64Hi = hi | 0;
  }

  private readMemarg(): void {
    let flags = this.u32();
    if (this.multiMemory && (flags & 0x40) !== 0) {
      flags -= 0x40;
      this.memIndex = this.u32();
    } else this.memIndex = 0;
    this.memAlign = flags;
    this.memOffset = this.memory64 ? this.u64() : this.u32();
  }

  /** memidx of memory.size/grow/fill/init/copy: a 0x00 byte unless multi-memory is on. */
  private readMemIndex(): number {
    return this.multiMemory ? this.u32() : this.zeroByte('zero byte expected');
  }

  /** A reserved byte that must be exactly 0x00 (not an overlong LEB128 zero). */
  private zeroByte(message: string): number {
    const pos = this.pos;
    if (this.u8() !== 0) throw this.error(message, pos);
    return 0;
  }

  private readBrTable(): void {
    const countPos = this.pos;
    const n = this.u32();
    // Each target takes at least one byte: a count beyond the body is truncation.
    if (n > this.end - this.pos) {
      this.pos = this.end;
      throw this.eof();
    }
    if (n > IMPL_LIMITS.brTableTargets) {
      throw invalid(`invalid table count (> max br_table size): ${n}`, this.base + countPos);
    }
    const targets = this.brTargets;
    targets.length = n;
    for (let i = 0; i < n; i++) targets[i] = this.u32();
    this.brDefault = this.u32();
  }

  private readSelectTypes(): void {
    const n = this.u32();
    if (n > this.end - this.pos) {
      this.pos = this.end;
      throw this.eof();
    }
    const types = this.selectTypes;
    types.length = n;
    for (let i = 0; i < n; i++) types[i] = readValType(this, this.features);
  }

  private readTryTable(): void {
    readBlockType(this, this.features, this);
    const n = this.u32();
    if (n > this.end - this.pos) {
      this.pos = this.end;
      throw this.eof();
    }
    const kinds = this.catchKinds;
    const tags = this.catchTags;
    const labels = this.catchLabels;
    kinds.length = n;
    tags.length = n;
    labels.length = n;
    for (let i = 0; i < n; i++) {
      const kindPos = this.pos;
      const kind = this.u8();
      if (kind > 3) throw this.error('malformed catch clause', kindPos);
      kinds[i] = kind;
      tags[i] = kind < 2 ? this.u32() : -1;
      labels[i] = this.u32();
    }
  }

  /** Unknown or disabled opcode `code` (`prefix`, `sub` >= 0 for prefixed ones). */
  private illegal(code: number, sub: number): WasmError {
    const known = sub < 0 ? opInfo(code) : sub < 0x10000 ? opInfo((code << 16) | sub) : undefined;
    const text = sub < 0 ? `0x${code.toString(16)}` : `0x${code.toString(16)} 0x${sub.toString(16)}`;
    let why = '';
    if (known !== undefined) {
      const feature = featureEnabled(known.feature, this.features) ? 'tailCall' : known.feature;
      why = ` (${known.name}: feature ${feature} is not enabled)`;
    }
    return malformed(`illegal opcode ${text}${why}`, this.opOffset);
  }
}

/**
 * Check that a function body decodes: the locals, then instructions up to the
 * `end` closing the function, and nothing after it. Nesting is tracked by count
 * only (block/loop/if/try/try_table open; end and delegate close). Errors carry
 * `funcIndex`. `base` is the absolute offset of `bytes[0]`.
 */
export function checkBodyDecodes(
  bytes: Uint8Array,
  features: Features,
  base = 0,
  funcIndex?: number,
  numParams = 0,
): void {
  const r = new OperatorReader(bytes, 0, bytes.length, base, features);
  try {
    r.readLocals(numParams);
    let depth = 1;
    for (;;) {
      if (r.pos >= r.end) throw malformed('END opcode expected', base + r.pos);
      switch (r.next()) {
        case Op.block:
        case Op.loop:
        case Op.if:
        case Op.try:
        case Op.try_table:
          depth++;
          break;
        case Op.end:
          if (--depth === 0) {
            if (r.pos < r.end) throw malformed('operators remaining after end of function', base + r.pos);
            return;
          }
          break;
        case Op.delegate:
          if (depth === 1) throw invalid('delegate outside of a try block', r.opOffset);
          depth--;
          break;
      }
    }
  } catch (e) {
    if (e instanceof WasmError && e.funcIndex === undefined) e.funcIndex = funcIndex;
    throw e;
  }
}
