/**
 * Turns the StreamingParser's payloads into a `WasmModule` and validates it at
 * module level, in byte order: section order, index spaces, limits, constant
 * expressions, exports, start function, segments, and the JS API's
 * implementation limits. Errors are the first in byte order, as V8 reports
 * them; `malformed` (the binary format) and `invalid` (validation) are kept
 * apart by kind.
 *
 * When the code section starts (or at the end, when there is none) the module
 * state that function bodies need is frozen into a `ModuleEnv`. Function
 * bodies are not decoded here: validating them is `compileFunction`'s job.
 */
import { i32ConstExpr, makeDataSegments } from './data-segments.js';
import { invalid, malformed, type WasmError } from './errors.js';
import { Op, opInfo } from './opcodes.js';
import { Reader } from './reader.js';
import {
  type Decoded,
  type DecodedData,
  decodeDataCountSection,
  decodeDataSection,
  decodeElementSection,
  decodeExportSection,
  decodeFunctionSection,
  decodeGlobalSection,
  decodeImportSection,
  decodeMemorySection,
  decodeNameSection,
  decodeStartSection,
  decodeTableSection,
  decodeTagSection,
  decodeTypeSection,
  expectSectionEnd,
  IMPL_LIMITS,
  SectionId,
} from './sections.js';
import type { Payload } from './streaming-parser.js';
import {
  CONCRETE,
  type ConstExpr,
  DataKind,
  externalKindNames,
  type Features,
  type FieldType,
  FUNCREF,
  type FunctionBody,
  type GlobalType,
  type HeapType,
  HeapTypes,
  heapOf,
  I8,
  I16,
  I32,
  I64,
  isNullable,
  isRef,
  type Limits,
  type ModuleEnv,
  refType,
  type TableType,
  type TypeDef,
  type ValType,
  valTypeName,
  type WasmModule,
} from './types.js';

export interface ParsedModule {
  module: WasmModule;
  env: ModuleEnv;
  /** Every function body, in index order (empty when bodies were not kept). */
  bodies: FunctionBody[];
}

export interface ModuleBuilderOptions {
  /** Keep the bodies in the result (default true). */
  keepBodies?: boolean;
  /** Copy each body's bytes out of the payload's buffer (default false: a view). */
  copyBodies?: boolean;
  /** Called once, when the ModuleEnv is frozen. */
  onEnv?(env: ModuleEnv): void;
  /** Called for each function body as soon as it is complete. */
  onBody?(body: FunctionBody): void;
}

/** Order of the non-custom sections; the tag section sits between memory and global. */
const SECTION_RANK: Record<number, number> = {
  [SectionId.type]: 1,
  [SectionId.import]: 2,
  [SectionId.function]: 3,
  [SectionId.table]: 4,
  [SectionId.memory]: 5,
  [SectionId.tag]: 6,
  [SectionId.global]: 7,
  [SectionId.export]: 8,
  [SectionId.start]: 9,
  [SectionId.element]: 10,
  [SectionId.dataCount]: 11,
  [SectionId.code]: 12,
  [SectionId.data]: 13,
};

const STARTED = 0;
const HEADER_SEEN = 1;
const ENDED = 2;

export class ModuleBuilder {
  private readonly features: Features;
  private readonly options: ModuleBuilderOptions;
  private readonly module: WasmModule;
  private phase = STARTED;
  private lastRank = 0;
  private codeSeen = false;
  private dataSeen = false;

  // Index spaces, imported first.
  private readonly funcs: number[] = [];
  private readonly tables: TableType[] = [];
  private readonly memories: Limits[] = [];
  private readonly globals: GlobalType[] = [];
  private readonly tags: number[] = [];
  private numImportedFuncs = 0;
  private numImportedGlobals = 0;

  /** Canonical id of each type (equal ids: equivalent types), for subtyping. */
  private readonly canon: number[] = [];
  private readonly canonGroups = new Map<string, number>();
  /** Depth of each type in its declared subtype chain. */
  private readonly depth: number[] = [];

  /** C.refs: functions that `ref.func` may name in bodies. */
  private readonly refs = new Set<number>();
  private frozenEnv: ModuleEnv | null = null;
  private readonly bodies: FunctionBody[] = [];

  constructor(features: Features, options: ModuleBuilderOptions = {}) {
    this.features = { ...features };
    this.options = options;
    this.module = {
      types: [],
      imports: [],
      functions: [],
      tables: [],
      memories: [],
      globals: [],
      tags: [],
      exports: [],
      start: null,
      elements: [],
      dataCount: null,
      data: makeDataSegments([]),
      customSections: [],
      names: null,
    };
  }

  /** The ModuleEnv once frozen, else null. */
  get env(): ModuleEnv | null {
    return this.frozenEnv;
  }

  consume(payload: Payload): void {
    switch (payload.kind) {
      case 'header':
        this.phase = HEADER_SEEN;
        return;
      case 'section':
        this.enterSection(payload.id, payload.offset);
        this.decodeSection(
          payload.id,
          new Reader(payload.bytes, 0, payload.bytes.length, payload.contentOffset),
        );
        return;
      case 'customSection':
        this.addCustomSection(payload.name, payload.bytes, payload.offset, payload.contentOffset);
        return;
      case 'codeSectionStart':
        this.enterSection(SectionId.code, payload.offset);
        this.codeSeen = true;
        if (payload.count !== this.module.functions.length) {
          throw malformed('function and code section have inconsistent lengths', payload.contentOffset);
        }
        this.freeze();
        return;
      case 'functionBody': {
        const bytes = this.options.copyBodies ? payload.bytes.slice() : payload.bytes;
        const body: FunctionBody = {
          index: this.numImportedFuncs + payload.ordinal,
          offset: payload.offset,
          bytes,
        };
        this.options.onBody?.(body);
        if (this.options.keepBodies !== false) this.bodies.push(body);
        return;
      }
      case 'end':
        this.end(payload.offset);
        return;
    }
  }

  /** The result, once the `end` payload has been consumed. */
  finish(): ParsedModule {
    if (this.phase !== ENDED || !this.frozenEnv) throw malformed('unexpected end', 0);
    return { module: this.module, env: this.frozenEnv, bodies: this.bodies };
  }

  // ---- Sections ---------------------------------------------------------------------

  private enterSection(id: number, offset: number): void {
    if (id === SectionId.tag && !this.features.exceptions) throw malformed('malformed section id', offset);
    const rank = SECTION_RANK[id];
    if (rank <= this.lastRank) throw malformed('unexpected content after last section', offset);
    this.lastRank = rank;
  }

  private decodeSection(id: number, r: Reader): void {
    const f = this.features;
    switch (id) {
      case SectionId.type:
        this.addTypes(r);
        break;
      case SectionId.import:
        this.addImports(decodeImportSection(r, f));
        break;
      case SectionId.function:
        this.addFunctions(decodeFunctionSection(r));
        break;
      case SectionId.table:
        this.addTables(decodeTableSection(r, f));
        break;
      case SectionId.memory:
        this.addMemories(decodeMemorySection(r, f));
        break;
      case SectionId.tag:
        this.addTags(decodeTagSection(r));
        break;
      case SectionId.global:
        this.addGlobals(decodeGlobalSection(r, f));
        break;
      case SectionId.export:
        this.addExports(decodeExportSection(r, f));
        break;
      case SectionId.start:
        this.setStart(decodeStartSection(r), r.base);
        break;
      case SectionId.element:
        this.addElements(decodeElementSection(r, f));
        break;
      case SectionId.dataCount:
        this.module.dataCount = decodeDataCountSection(r);
        break;
      case SectionId.data:
        this.addData(decodeDataSection(r, f), r.base);
        break;
    }
    expectSectionEnd(r);
  }

  private addCustomSection(name: string, bytes: Uint8Array, offset: number, contentOffset: number): void {
    const copy = bytes.slice();
    this.module.customSections.push({ name, bytes: copy, offset });
    if (name === 'name' && this.module.names === null)
      this.module.names = decodeNameSection(copy, contentOffset);
  }

  private addTypes(r: Reader): void {
    const { types, offsets } = decodeTypeSection(r, this.features, this.module.types.length);
    const all = this.module.types;
    for (let i = 0; i < types.length; ) {
      const size = types[i].recGroupSize;
      const groupStart = all.length;
      // Within a recursion group, types may refer to each other (and to earlier ones).
      for (let j = 0; j < size; j++) all.push(types[i + j]);
      const limit = groupStart + size;
      for (let j = 0; j < size; j++) this.checkTypeDef(groupStart + j, limit, offsets[i + j]);
      this.canonicalizeGroup(groupStart, size);
      for (let j = 0; j < size; j++) this.checkSupertype(groupStart + j, offsets[i + j]);
      i += size;
    }
  }

  private addImports(d: Decoded<WasmModule['imports'][number]>): void {
    const m = this.module;
    for (let i = 0; i < d.items.length; i++) {
      const imp = d.items[i];
      const at = d.offsets[i];
      m.imports.push(imp);
      switch (imp.kind) {
        case 0:
          this.checkFuncTypeIndex(imp.typeIndex, at);
          this.funcs.push(imp.typeIndex);
          this.numImportedFuncs++;
          break;
        case 1:
          this.checkTableType(imp.table, at);
          this.tables.push(imp.table);
          break;
        case 2:
          this.checkMemoryLimits(imp.memory.limits, at);
          this.memories.push(imp.memory.limits);
          break;
        case 3:
          this.checkValType(imp.global.type, at);
          this.globals.push(imp.global);
          this.numImportedGlobals++;
          break;
        case 4:
          this.checkTagType(imp.tag.typeIndex, at);
          this.tags.push(imp.tag.typeIndex);
          break;
      }
    }
    this.checkTableAndMemoryCounts(d.offsets[d.offsets.length - 1] ?? 0);
  }

  private addFunctions(d: Decoded<number>): void {
    for (let i = 0; i < d.items.length; i++) {
      this.checkFuncTypeIndex(d.items[i], d.offsets[i]);
      this.module.functions.push(d.items[i]);
      this.funcs.push(d.items[i]);
    }
  }

  private addTables(d: Decoded<WasmModule['tables'][number]>): void {
    for (let i = 0; i < d.items.length; i++) {
      const t = d.items[i];
      const at = d.offsets[i];
      this.checkTableType(t, at);
      if (t.init) {
        this.checkConstExpr(t.init, t.refType, this.visibleGlobals());
      } else if (!isNullable(t.refType)) {
        throw invalid('type mismatch: table of non-nullable type needs an initializer', at);
      }
      this.module.tables.push(t);
      this.tables.push({ refType: t.refType, limits: t.limits });
      this.checkTableAndMemoryCounts(at);
    }
  }

  private addMemories(d: Decoded<WasmModule['memories'][number]>): void {
    for (let i = 0; i < d.items.length; i++) {
      this.checkMemoryLimits(d.items[i].limits, d.offsets[i]);
      this.module.memories.push(d.items[i]);
      this.memories.push(d.items[i].limits);
      this.checkTableAndMemoryCounts(d.offsets[i]);
    }
  }

  private addTags(d: Decoded<WasmModule['tags'][number]>): void {
    for (let i = 0; i < d.items.length; i++) {
      this.checkTagType(d.items[i].typeIndex, d.offsets[i]);
      this.module.tags.push(d.items[i]);
      this.tags.push(d.items[i].typeIndex);
    }
  }

  private addGlobals(d: Decoded<WasmModule['globals'][number]>): void {
    for (let i = 0; i < d.items.length; i++) {
      const g = d.items[i];
      this.checkValType(g.type.type, d.offsets[i]);
      this.checkConstExpr(g.init, g.type.type, this.visibleGlobals());
      this.module.globals.push(g);
      this.globals.push(g.type);
    }
  }

  private addExports(d: Decoded<WasmModule['exports'][number]>): void {
    const names = new Set<string>();
    for (let i = 0; i < d.items.length; i++) {
      const e = d.items[i];
      const at = d.offsets[i];
      if (names.has(e.name)) throw invalid('duplicate export name', at);
      names.add(e.name);
      const space = [this.funcs, this.tables, this.memories, this.globals, this.tags][e.kind];
      if (e.index >= space.length) throw invalid(`unknown ${externalKindNames[e.kind]} ${e.index}`, at);
      if (e.kind === 0) this.refs.add(e.index);
      this.module.exports.push(e);
    }
  }

  private setStart(index: number, at: number): void {
    if (index >= this.funcs.length) throw invalid(`unknown function ${index}`, at);
    const t = this.module.types[this.funcs[index]];
    if (t.kind !== 'func' || t.params.length !== 0 || t.results.length !== 0)
      throw invalid('start function', at);
    this.module.start = index;
  }

  private addElements(d: Decoded<WasmModule['elements'][number]>): void {
    for (let i = 0; i < d.items.length; i++) {
      const s = d.items[i];
      const at = d.offsets[i];
      this.checkValType(s.refType, at);
      if (s.mode === 'active') {
        if (s.table >= this.tables.length) throw invalid(`unknown table ${s.table}`, at);
        const table = this.tables[s.table];
        this.checkConstExpr(s.offset!, table.limits.index64 ? I64 : I32, this.visibleGlobals());
        if (!this.isSubtype(s.refType, table.refType)) throw invalid('type mismatch', at);
      }
      if (s.funcIndices) {
        for (const f of s.funcIndices) {
          if (f >= this.funcs.length) throw invalid(`unknown function ${f}`, at);
          this.refs.add(f);
        }
      } else {
        for (const e of s.exprs!) this.checkConstExpr(e, s.refType, this.visibleGlobals());
      }
      this.module.elements.push(s);
    }
  }

  private addData(d: DecodedData, at: number): void {
    this.dataSeen = true;
    const { kinds, offsets, placements } = d.segments;
    const count = this.module.dataCount;
    if (count !== null && count !== kinds.length) {
      throw malformed('data count and data section have inconsistent lengths', at);
    }
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i];
      if (kind === DataKind.passive) continue;
      const placement = kind === DataKind.activeExpr ? placements[offsets[i]] : null;
      const memory = placement === null ? 0 : placement.memory;
      if (memory >= this.memories.length) throw invalid(`unknown memory ${memory}`, d.offsets[i]);
      const index64 = this.memories[memory].index64;
      if (placement !== null) {
        this.checkConstExpr(placement.offset, index64 ? I64 : I32, this.visibleGlobals());
      } else if (index64) {
        // A lone i32.const for a 64-bit memory: a type mismatch, reported as
        // for any expression (the decoder kept this form only after one byte of flags).
        this.checkConstExpr(i32ConstExpr(offsets[i], d.offsets[i] + 1), I64, this.visibleGlobals());
      }
    }
    this.module.data = d.segments;
  }

  private end(offset: number): void {
    if (this.phase !== HEADER_SEEN) throw malformed('unexpected end', offset);
    if (!this.codeSeen && this.module.functions.length > 0) {
      throw malformed('function and code section have inconsistent lengths', offset);
    }
    const count = this.module.dataCount;
    if (count !== null && count !== 0 && !this.dataSeen) {
      throw malformed('data count and data section have inconsistent lengths', offset);
    }
    this.phase = ENDED;
    if (!this.frozenEnv) this.freeze();
  }

  private freeze(): void {
    const m = this.module;
    const env: ModuleEnv = {
      features: Object.freeze({ ...this.features }),
      types: Object.freeze(m.types) as TypeDef[],
      funcs: Object.freeze(this.funcs) as number[],
      numImportedFuncs: this.numImportedFuncs,
      tables: Object.freeze(this.tables) as TableType[],
      memories: Object.freeze(this.memories.map((limits) => ({ limits }))) as ModuleEnv['memories'],
      globals: Object.freeze(this.globals) as GlobalType[],
      numImportedGlobals: this.numImportedGlobals,
      tags: Object.freeze(this.tags) as number[],
      elemTypes: Object.freeze(m.elements.map((e) => e.refType)) as ValType[],
      dataCount: m.dataCount,
      declaredFuncRefs: Object.freeze(Array.from(this.refs).sort((a, b) => a - b)) as number[],
    };
    this.frozenEnv = Object.freeze(env);
    this.options.onEnv?.(this.frozenEnv);
  }

  // ---- Checks ---------------------------------------------------------------------------

  /** Globals a constant expression may read: imported ones, or (GC) all defined so far. */
  private visibleGlobals(): number {
    return this.features.gc ? this.globals.length : this.numImportedGlobals;
  }

  private checkTableAndMemoryCounts(at: number): void {
    const f = this.features;
    if (this.tables.length > 1 && !f.referenceTypes) throw invalid('multiple tables', at);
    if (this.tables.length > IMPL_LIMITS.tables) {
      throw invalid(
        `table count of ${this.tables.length} exceeds internal limit of ${IMPL_LIMITS.tables}`,
        at,
      );
    }
    if (this.memories.length > 1 && !f.multiMemory) throw invalid('multiple memories', at);
    if (this.memories.length > IMPL_LIMITS.memories) {
      throw invalid(
        `memory count of ${this.memories.length} exceeds internal limit of ${IMPL_LIMITS.memories}`,
        at,
      );
    }
  }

  private checkHeapType(h: HeapType, limit: number, at: number): void {
    if (h >= CONCRETE && h - CONCRETE >= limit) throw invalid(`unknown type ${h - CONCRETE}`, at);
  }

  /** A value type's type index (if any) must be below `limit` (default: all types so far). */
  private checkValType(t: ValType, at: number, limit = this.module.types.length): void {
    if (isRef(t)) this.checkHeapType(heapOf(t), limit, at);
  }

  private checkFuncTypeIndex(index: number, at: number): void {
    const t = this.module.types[index];
    if (t?.kind !== 'func') throw invalid(`unknown type ${index}`, at);
  }

  private checkTagType(index: number, at: number): void {
    this.checkFuncTypeIndex(index, at);
    const t = this.module.types[index];
    if (t.kind === 'func' && t.results.length !== 0) throw invalid('non-empty tag result type', at);
  }

  private checkTableType(t: TableType, at: number): void {
    this.checkValType(t.refType, at);
    const { min, max } = t.limits;
    if (max !== null && min > max) throw invalid('size minimum must not be greater than maximum', at);
    if (min > IMPL_LIMITS.tableSize) {
      throw invalid(
        `initial table size (${min} elements) is larger than implementation limit (${IMPL_LIMITS.tableSize} elements)`,
        at,
      );
    }
  }

  private checkMemoryLimits(l: Limits, at: number): void {
    const k = l.index64 ? IMPL_LIMITS.memory64Pages : IMPL_LIMITS.memory32Pages;
    const tooLarge = l.index64
      ? 'memory size must be at most 2^48 pages'
      : 'memory size must be at most 65536 pages (4GiB)';
    if (l.min > k) throw invalid(tooLarge, at);
    if (l.max !== null) {
      if (l.max > k) throw invalid(tooLarge, at);
      if (l.min > l.max) throw invalid('size minimum must not be greater than maximum', at);
    }
    if (l.shared && l.max === null) throw invalid('shared memory must have maximum', at);
  }

  private checkTypeDef(index: number, limit: number, at: number): void {
    const t = this.module.types[index];
    const f = this.features;
    if (t.kind === 'func') {
      if (t.results.length > 1 && !f.multiValue) throw invalid('invalid result arity', at);
      for (const p of t.params) this.checkValType(p, at, limit);
      for (const r of t.results) this.checkValType(r, at, limit);
    } else if (t.kind === 'struct') {
      for (const field of t.fields) this.checkValType(field.type, at, limit);
    } else {
      this.checkValType(t.field.type, at, limit);
    }
  }

  private checkSupertype(index: number, at: number): void {
    const types = this.module.types;
    const t = types[index];
    this.depth[index] = 0;
    if (t.supertypes.length === 0) return;
    if (t.supertypes.length > 1) throw invalid('multiple supertypes', at);
    const s = t.supertypes[0];
    if (s >= index) throw invalid(`unknown type ${s}`, at);
    const sup = types[s];
    if (sup.final) throw invalid(`sub type ${index} has final supertype ${s}`, at);
    if (!this.compositeMatches(t, sup)) throw invalid(`sub type ${index} does not match super type ${s}`, at);
    this.depth[index] = this.depth[s] + 1;
    if (this.depth[index] > IMPL_LIMITS.subtypeDepth) {
      throw invalid(`subtype depth exceeds internal limit of ${IMPL_LIMITS.subtypeDepth}`, at);
    }
  }

  private compositeMatches(sub: TypeDef, sup: TypeDef): boolean {
    if (sub.kind === 'func' && sup.kind === 'func') {
      if (sub.params.length !== sup.params.length || sub.results.length !== sup.results.length) return false;
      for (let i = 0; i < sub.params.length; i++)
        if (!this.isSubtype(sup.params[i], sub.params[i])) return false;
      for (let i = 0; i < sub.results.length; i++)
        if (!this.isSubtype(sub.results[i], sup.results[i])) return false;
      return true;
    }
    if (sub.kind === 'struct' && sup.kind === 'struct') {
      if (sub.fields.length < sup.fields.length) return false;
      for (let i = 0; i < sup.fields.length; i++)
        if (!this.fieldMatches(sub.fields[i], sup.fields[i])) return false;
      return true;
    }
    if (sub.kind === 'array' && sup.kind === 'array') return this.fieldMatches(sub.field, sup.field);
    return false;
  }

  private fieldMatches(sub: FieldType, sup: FieldType): boolean {
    if (sub.mutable !== sup.mutable) return false;
    if (!this.isSubtype(sub.type, sup.type)) return false;
    return !sub.mutable || this.isSubtype(sup.type, sub.type);
  }

  /**
   * Iso-recursive type equivalence: a recursion group's key spells its types
   * with references inside the group as relative positions and references
   * outside as canonical ids; equal keys are equivalent groups.
   */
  private canonicalizeGroup(start: number, size: number): void {
    const types = this.module.types;
    const ref = (t: ValType): string => {
      if (!isRef(t)) return String(t);
      const h = heapOf(t);
      const n = isNullable(t) ? 'n' : '';
      if (h < CONCRETE) return `${n}h${h}`;
      const i = h - CONCRETE;
      return i >= start ? `${n}r${i - start}` : `${n}c${this.canon[i]}`;
    };
    const field = (fd: FieldType) => `${fd.mutable ? 'm' : ''}${ref(fd.type)}`;
    let key = '';
    for (let j = 0; j < size; j++) {
      const t = types[start + j];
      const sups = t.supertypes.map((s) => (s >= start ? `r${s - start}` : `c${this.canon[s]}`)).join(',');
      key += `${t.final ? 'F' : 'S'}[${sups}]`;
      if (t.kind === 'func') key += `f(${t.params.map(ref).join(',')})(${t.results.map(ref).join(',')});`;
      else if (t.kind === 'struct') key += `s(${t.fields.map(field).join(',')});`;
      else key += `a(${field(t.field)});`;
    }
    const first = this.canonGroups.get(key);
    const base = first ?? start;
    if (first === undefined) this.canonGroups.set(key, start);
    for (let j = 0; j < size; j++) this.canon[start + j] = base + j;
  }

  /** Concrete type `a` is `b` or declares it (transitively) as a supertype. */
  private concreteSubtype(a: number, b: number): boolean {
    const types = this.module.types;
    for (let t = a; ; ) {
      if (this.canon[t] === this.canon[b]) return true;
      const sups = types[t].supertypes;
      if (sups.length === 0) return false;
      t = sups[0];
    }
  }

  private heapSubtype(a: HeapType, b: HeapType): boolean {
    if (a === b) return true;
    const types = this.module.types;
    const H = HeapTypes;
    if (a >= CONCRETE) {
      const kind = types[a - CONCRETE]?.kind;
      if (b >= CONCRETE) return kind !== undefined && this.concreteSubtype(a - CONCRETE, b - CONCRETE);
      if (kind === 'func') return b === H.func;
      if (kind === 'struct') return b === H.struct || b === H.eq || b === H.any;
      if (kind === 'array') return b === H.array || b === H.eq || b === H.any;
      return false;
    }
    const topOf = (h: HeapType): number => {
      if (h >= CONCRETE) return types[h - CONCRETE]?.kind === 'func' ? H.func : H.any;
      switch (h) {
        case H.func:
        case H.nofunc:
          return H.func;
        case H.extern:
        case H.noextern:
          return H.extern;
        case H.exn:
        case H.noexn:
          return H.exn;
        default:
          return H.any;
      }
    };
    // Bottom types are below everything in their hierarchy.
    if (a === H.none || a === H.nofunc || a === H.noextern || a === H.noexn) return topOf(a) === topOf(b);
    if (b >= CONCRETE) return false;
    switch (a) {
      case H.i31:
      case H.struct:
      case H.array:
        return b === H.eq || b === H.any;
      case H.eq:
        return b === H.any;
      default:
        return false;
    }
  }

  isSubtype(a: ValType, b: ValType): boolean {
    if (a === b) return true;
    if (!isRef(a) || !isRef(b)) return false;
    if (isNullable(a) && !isNullable(b)) return false;
    return this.heapSubtype(heapOf(a), heapOf(b));
  }

  private typeMismatch(e: ConstExpr, expected: ValType, got: readonly ValType[]): WasmError {
    const names = got.map(valTypeName).join(' ');
    return invalid(`type mismatch: expected ${valTypeName(expected)}, got [${names}]`, e.offset);
  }

  /**
   * Validates a constant expression against the type it must produce, under
   * `visibleGlobals` readable globals; `ref.func` adds to C.refs.
   */
  private checkConstExpr(e: ConstExpr, expected: ValType, visibleGlobals: number): void {
    // Fast path: a lone i32.const (segment offsets) needs no stack.
    if (e.instrs.length === 1 && e.instrs[0].op === Op.i32_const && expected === I32) {
      e.type = I32;
      return;
    }
    this.checkConstExprSlow(e, expected, visibleGlobals);
  }

  private checkConstExprSlow(e: ConstExpr, expected: ValType, visibleGlobals: number): void {
    const stack: ValType[] = [];
    const types = this.module.types;
    const pop = (want: ValType): void => {
      const got = stack.pop();
      if (got === undefined || !this.isSubtype(got, want))
        throw this.typeMismatch(e, want, got === undefined ? [] : [got]);
    };
    const concrete = (index: number, kind: TypeDef['kind']): TypeDef => {
      const t = types[index];
      if (!t || t.kind !== kind) throw invalid(`unknown type ${index}`, e.offset);
      return t;
    };
    const unpacked = (fd: FieldType): ValType => (fd.type === I8 || fd.type === I16 ? I32 : fd.type);
    const defaultable = (fd: FieldType): boolean => !isRef(fd.type) || isNullable(fd.type);
    for (const ins of e.instrs) {
      const info = opInfo(ins.op);
      if (info?.constant && info.params !== null) {
        // A fixed stack effect (the t.const, extended-const arithmetic).
        for (let i = info.params.length - 1; i >= 0; i--) pop(info.params[i]);
        stack.push(...info.results!);
        continue;
      }
      switch (ins.op) {
        case Op.global_get: {
          const index = ins.imm as number;
          if (index >= visibleGlobals) throw invalid(`unknown global ${index}`, e.offset);
          const g = this.globals[index];
          if (g.mutable) throw invalid('constant expression required', e.offset);
          stack.push(g.type);
          break;
        }
        case Op.ref_null: {
          const h = ins.imm as number;
          this.checkHeapType(h, types.length, e.offset);
          stack.push(refType(h, true));
          break;
        }
        case Op.ref_func: {
          const index = ins.imm as number;
          if (index >= this.funcs.length) throw invalid(`unknown function ${index}`, e.offset);
          this.refs.add(index);
          // (ref $t) with typed function references; plain funcref before them.
          stack.push(
            this.features.functionReferences || this.features.gc
              ? refType(CONCRETE + this.funcs[index], false)
              : FUNCREF,
          );
          break;
        }
        case Op.struct_new:
        case Op.struct_new_default: {
          const index = ins.imm as number;
          const t = concrete(index, 'struct');
          if (t.kind !== 'struct') break;
          if (ins.op === Op.struct_new) {
            for (let i = t.fields.length - 1; i >= 0; i--) pop(unpacked(t.fields[i]));
          } else if (!t.fields.every(defaultable)) {
            throw invalid('type mismatch: struct.new_default of a non-defaultable field', e.offset);
          }
          stack.push(refType(CONCRETE + index, false));
          break;
        }
        case Op.array_new:
        case Op.array_new_default:
        case Op.array_new_fixed: {
          const index = ins.imm as number;
          const t = concrete(index, 'array');
          if (t.kind !== 'array') break;
          if (ins.op === Op.array_new_fixed) {
            const n = ins.imm2 ?? 0;
            if (n > IMPL_LIMITS.arrayNewFixed) {
              throw invalid(
                `array.new_fixed operand count exceeds internal limit of ${IMPL_LIMITS.arrayNewFixed}`,
                e.offset,
              );
            }
            for (let i = 0; i < n; i++) pop(unpacked(t.field));
          } else {
            pop(I32);
            if (ins.op === Op.array_new) pop(unpacked(t.field));
            else if (!defaultable(t.field))
              throw invalid('type mismatch: array.new_default of a non-defaultable type', e.offset);
          }
          stack.push(refType(CONCRETE + index, false));
          break;
        }
        case Op.ref_i31:
          pop(I32);
          stack.push(refType(HeapTypes.i31, false));
          break;
        case Op.any_convert_extern:
        case Op.extern_convert_any: {
          const toAny = ins.op === Op.any_convert_extern;
          const from = refType(toAny ? HeapTypes.extern : HeapTypes.any, true);
          const got = stack[stack.length - 1];
          pop(from);
          stack.push(refType(toAny ? HeapTypes.any : HeapTypes.extern, isNullable(got)));
          break;
        }
        default:
          throw invalid('constant expression required', e.offset);
      }
    }
    if (stack.length !== 1 || !this.isSubtype(stack[0], expected))
      throw this.typeMismatch(e, expected, stack);
    e.type = stack[0];
  }
}
