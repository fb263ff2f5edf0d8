/**
 * Instantiation: link the imports, build the module factory (abi.ts) that
 * turns the compiled function sources into closures over one instance's
 * state, evaluate global initializers, create memories and tables, initialise
 * element then data segments in order, run the start function, build the
 * exports object.
 *
 * The factory is `new Function('rt', 'ctx', source)`, compiled once per
 * compiled module and called once per instance; V8 reuses the inner functions'
 * compiled code across calls. It does not validate or compile anything: the
 * sources come from `@wasmloom/compiler`, the module from `@wasmloom/binary`.
 *
 * A large module's functions are defined lazily (`LAZY_FACTORY_CHARS`): the
 * factory holds a small stub per function, and the first call of the stub
 * evaluates the function's source inside the factory's scope (a direct strict
 * `eval`, so the function sees the same bindings and direct calls stay
 * direct), then replaces `f{i}` and `REF{i}.fn` with it. V8 otherwise
 * pre-parses every function of the factory when it is created: 2.3 s for
 * esbuild-wasm's 86 M characters, most of which belong to functions a run
 * never calls. Where a direct `eval` cannot see the factory's scope (Hermes),
 * the factory is always eager, every source emitted first.
 */
import {
  type ConstExpr,
  copyBytes,
  DataKind,
  dataSegmentBytes,
  type ElementSegments,
  ElemKind,
  elementSegmentCount,
  elementSegmentFuncs,
  elementSegmentMode,
  type FuncType,
  I32,
  I64,
  type ModuleEnv,
  Names,
  type TableDef,
  type WasmModule,
} from '@wasmloom/binary';
import { globalObject } from './api/global.js';
import { memoryObject } from './api/memory.js';
import { tableObject } from './api/table.js';
import { tagObject, WasmTag } from './api/tag.js';
import { type CompiledCode, emitAllSources, missingSources, sourceOf } from './compiled-code.js';
import { type ConstContext, evalConst } from './const-expr.js';
import { LinkError, RuntimeError } from './errors.js';
import { exportFunction, type FuncRecord } from './functions.js';
import { WasmGlobal } from './global.js';
import * as helpers from './helpers.js';
import { BigInt, Function, Number, Object, push, Uint8Array } from './intrinsics.js';
import { type ResolvedImports, resolveImports } from './link.js';
import { WasmMemory } from './memory.js';
import { canonicalSig } from './signatures.js';
import { WasmTable } from './table.js';

/** A live instance: the exports object and the internal objects behind it. */
export interface InstanceRecord {
  /** Frozen, null-prototype, one property per export in export order. */
  exports: Record<string, unknown>;
  funcs: FuncRecord[];
  tables: WasmTable[];
  memories: WasmMemory[];
  globals: WasmGlobal[];
  tags: WasmTag[];
}

const helperBindings = helpers as unknown as Record<string, unknown>;
const helperNames = Object.keys(helperBindings).filter((n) => n !== 'default');
// Factory bindings, and the names a function's source declares itself (which would hide a helper).
const reserved =
  /^(?:(?:f|REF|SIG|MEM|DV|U8|I32_|F64_|LEN|TBL|G|GV|GH|GU|[lkstDNBIF])\d+|DATA|ELEM|rt|ctx|x|j)$/;
for (const n of helperNames) {
  if (reserved.test(n))
    throw new Error(`helpers.ts export '${n}' collides with a factory binding or a generated local (abi.ts)`);
}

/**
 * Total source characters from which the factory defines functions lazily.
 * Measured with the demo workloads (benchmarks/README.md, "Instantiate"):
 * sql.js (3.7 M characters) instantiates in 25 ms instead of 95 ms with the
 * same first-query and steady-state times; esbuild-wasm (86 M) saves 1.7 s.
 * Small modules keep the plain form: one parse, nothing to forward.
 */
export const LAZY_FACTORY_CHARS = 1_000_000;

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_REFS: unknown[] = [];

/** The line before the function sources in a factory source: they follow it, one per line. */
const FUNCTIONS_LINE = '// ---- functions';
const FUNCTIONS_MARK = `\n${FUNCTIONS_LINE}\n`;

/** Up to this many types, the factory declares `SIG{t}` for every function type. */
const ALL_SIGS_MAX = 1000;

/**
 * The function types whose `SIG{t}` the factory declares: all of them, or,
 * for many types in a factory holding every source, only those of functions
 * and those the sources name. V8 gives every variable of the factory that no
 * closure reads a slot in its frame: 1,000,000 types (the JS API's limit)
 * overflowed the stack. A lazy factory's `eval` makes every variable a
 * context slot (on the heap), and its sources may come later: all of them.
 */
function sigsUsed(env: ModuleEnv, sources: readonly (string | undefined)[], lazy: boolean): number[] {
  const types = env.types;
  const isFunc = (t: number) => types[t]?.kind === 'func';
  if (lazy || types.length <= ALL_SIGS_MAX) return types.map((_, t) => t).filter(isFunc);
  const used = new Set<number>(env.funcs);
  for (const src of sources as readonly string[]) {
    for (let at = src.indexOf('SIG'); at !== -1; at = src.indexOf('SIG', at + 3)) {
      const m = /^\d+/.exec(src.slice(at + 3, at + 13));
      if (m !== null) used.add(Number(m[0]));
    }
  }
  return Array.from(used)
    .filter(isFunc)
    .sort((a, b) => a - b);
}

/** The factory source for a module: prelude, the function sources, epilogue (see abi.ts). */
export function buildFactorySource(
  module: WasmModule,
  env: ModuleEnv,
  sources: readonly (string | undefined)[],
  lazy: boolean = isLazy(sources),
): string {
  const nImported = env.numImportedFuncs;
  const out: string[] = ["'use strict';"];
  // `var`, not `const`: inner functions read a `const` of an outer function
  // with a hole check (TDZ) on every access.
  push(out, `var {${helperNames.join(', ')}} = rt;`);
  push(out, `var ${Names.data} = ctx.data, ${Names.elem} = ctx.elem, $funcs = ctx.funcs, $sigs = ctx.sigs;`);
  for (let i = 0; i < nImported; i++) {
    push(out, `var ${Names.func(i)} = $funcs[${i}].fn, ${Names.funcRef(i)} = $funcs[${i}];`);
  }
  for (const i of sigsUsed(env, sources, lazy)) push(out, `var ${Names.sig(i)} = $sigs[${i}];`);
  env.memories.forEach((_, m) => {
    push(
      out,
      `var ${Names.memory(m)} = ctx.memories[${m}];`,
      `var ${Names.dataView(m)}, ${Names.bytes(m)}, ${Names.byteLength(m)}, ${Names.int32s(m)}, ${Names.float64s(m)};`,
    );
  });
  env.tables.forEach((_, t) => {
    push(out, `var ${Names.table(t)} = ctx.tables[${t}];`);
  });
  // Immutable globals: their values in factory variables (`GV{g}`, i64 hi
  // `GH{g}`, an integer's unsigned value `GU{g}`), set by `$globals()` once the
  // initializers have run.
  let setGlobals = '';
  env.globals.forEach((gt, g) => {
    push(out, `var ${Names.global(g)} = ctx.globals[${g}];`);
    if (!gt.mutable) {
      const v = Names.globalValue(g);
      push(out, `var ${v}, ${Names.globalHi(g)}, ${Names.globalUnsigned(g)};`);
      setGlobals += `${v} = ${Names.global(g)}.v; ${Names.globalHi(g)} = ${Names.global(g)}.h;`;
      if (gt.type === I32 || gt.type === I64) setGlobals += `${Names.globalUnsigned(g)} = ${v} >>> 0;`;
    }
  });
  push(out, FUNCTIONS_LINE);
  if (!lazy) for (const src of sources) push(out, src!);
  else {
    // $lz(j) defines function i = nImported + j from its source in this scope
    // (`$lzSrc(j)`: kept, or emitted now from its body: tiered loading)
    // (direct eval, strict: it declares nothing here, it assigns f{i} and
    // REF{i}.fn), once per instance. Its own names start with `$lz` so that
    // they shadow nothing the function's source reads. The parentheses make V8
    // compile the function at once (it is about to be called) instead of
    // pre-parsing it now and parsing it again at the call: measured on
    // esbuild-wasm, 1.1 s less CPU.
    push(
      out,
      'var $lzSrc = ctx.source, $lzName = ctx.name, $lzFns = [];',
      // A function with tail calls is its body, its driver and a statement (helpers.ts, `tailCall`): in a function.
      `function $lz($lzJ) { var $lzF = $lzFns[$lzJ]; if ($lzF === undefined) { var $lzI = $lzJ + ${nImported}, $lzS = $lzSrc($lzJ); $lzF = $lzFns[$lzJ] = $lzName(eval('f' + $lzI + ' = REF' + $lzI + '.fn = (' + ($lzS.endsWith('$t;') ? 'function(){' + $lzS + 'return f' + $lzI + '}())' : $lzS + ')')), $lzI); } return $lzF; }`,
    );
    for (let j = 0; j < sources.length; j++) {
      const i = nImported + j;
      const type = env.types[env.funcs[i]] as FuncType;
      let params = '';
      for (let k = 0, n = 0; k < type.params.length; k++) {
        const count = type.params[k] === I64 ? 2 : 1;
        for (let c = 0; c < count; c++) params += `${n++ > 0 ? ',' : ''}a${n - 1}`;
      }
      push(out, `var ${Names.func(i)} = function (${params}) { return $lz(${j})(${params}); };`);
    }
  }
  push(out, '// ---- records and views');
  const refs: string[] = [];
  for (let j = 0; j < module.functions.length; j++) {
    const i = nImported + j;
    const ref = Names.funcRef(i);
    push(out, `var ${ref} = {fn: ${Names.func(i)}, sig: ${Names.sig(env.funcs[i])}, js: null, index: ${i}};`);
    push(refs, ref);
  }
  const refreshers: string[] = [];
  env.memories.forEach((_, m) => {
    const fn = `$refresh${m}`;
    push(
      out,
      `function ${fn}() {`,
      `  const b = ${Names.memory(m)}.buffer;`,
      `  ${Names.dataView(m)} = new MemoryView(b);`,
      `  ${Names.bytes(m)} = new Uint8Array(b);`,
      `  ${Names.byteLength(m)} = b.byteLength;`,
      `  ${Names.int32s(m)} = new Int32Array(b);`,
      `  ${Names.float64s(m)} = new Float64Array(b);`,
      '}',
      `${fn}();`,
    );
    push(refreshers, fn);
  });
  push(out, `function $globals() {${setGlobals}}`);
  push(out, `return {refs: [${refs.join(', ')}], refresh: [${refreshers.join(', ')}], globals: $globals};`);
  return out.join('\n');
}

interface FactoryContext {
  funcs: FuncRecord[];
  /** Function j's source, for a lazy factory (emitted on first use if missing). */
  source: (j: number) => string;
  /** Gives function `i` its name in stack traces (`stackName`), for a lazy factory; returns it. */
  name: (fn: unknown, i: number) => unknown;
  sigs: number[];
  memories: WasmMemory[];
  tables: unknown[][];
  globals: unknown[];
  data: Uint8Array[];
  elem: unknown[][];
}
interface FactoryResult {
  refs: FuncRecord[];
  refresh: (() => void)[];
  /** Copies the immutable globals' values into the factory's `GV{g}`/`GH{g}`. */
  globals: () => void;
}
type Factory = (rt: Record<string, unknown>, ctx: FactoryContext) => FactoryResult;

const factories = new WeakMap<CompiledCode, Factory>();

let evalSeesScope: boolean | undefined;

/**
 * Whether a direct `eval` inside a `new Function` body sees that function's
 * bindings, as the lazy factory needs. Hermes evaluates it in the global
 * scope: there every source is emitted up front and the factory is eager.
 */
function directEvalSeesScope(): boolean {
  if (evalSeesScope === undefined) {
    try {
      evalSeesScope = new Function("'use strict'; var $lzProbe = 1; return eval('$lzProbe');")() === 1;
    } catch {
      evalSeesScope = false;
    }
  }
  return evalSeesScope;
}

/**
 * Bytes of function bodies below which a module's missing sources are all
 * emitted at its first instantiation: it then gets the plain factory (sources
 * under `LAZY_FACTORY_CHARS`, about 5 characters a byte), whose functions run
 * faster than the lazy factory's eval'd ones (hash-wasm's work took 1.4x as
 * long lazily), and emitting a module this small takes milliseconds.
 */
export const EMIT_ALL_BELOW_BODY_BYTES = 200_000;

function factoryOf(code: CompiledCode): Factory {
  let factory = factories.get(code);
  if (factory === undefined) {
    const evalSeesScope = directEvalSeesScope();
    const small = code.bodies != null && code.bodies.bytes.length < EMIT_ALL_BELOW_BODY_BYTES;
    // Where a direct eval cannot see the factory's scope, the lazy form cannot work at all.
    if ((small || !evalSeesScope) && missingSources(code) > 0) {
      emitAllSources(code);
      // A factory source made while sources were missing is the lazy form.
      code.factorySource = undefined;
    }
    const source = evalSeesScope
      ? (code.factorySource ?? buildFactorySource(code.module, code.env, code.sources))
      : buildFactorySource(code.module, code.env, code.sources, false);
    factory = new Function('rt', 'ctx', source) as Factory;
    factories.set(code, factory);
    shareTextWithEngine(code, factory, source);
  }
  return factory;
}

/** Whether the factory of these sources defines its functions lazily: they are large, or some are missing. */
function isLazy(sources: readonly (string | undefined)[]): boolean {
  let chars = 0;
  for (const s of sources) {
    if (s === undefined) return true;
    chars += s.length;
    if (chars >= LAZY_FACTORY_CHARS) return true;
  }
  return false;
}

/**
 * Once `new Function` has the factory source, the engine keeps that text (it
 * compiles the inner functions lazily from it), and the module's `sources`
 * are a second copy of it. (A lazy factory does not contain the sources, so
 * this finds nothing to share there: its text is small.) The engine hands its text
 * back as `Function.prototype.toString` (in V8 a view of it, not a copy):
 * `sources` and `factorySource` become equal slices of that, and the module
 * holds the text once. Frozen code, or an engine that gives other text, stays
 * as it is.
 */
function shareTextWithEngine(code: CompiledCode, factory: Factory, source: string): void {
  if (Object.isFrozen(code)) return;
  const text = Function.prototype.toString.call(factory);
  // `function anonymous(rt,ctx\n) {\n` + source + `\n}` (ECMAScript's CreateDynamicFunction).
  const start = text.length - 2 - source.length;
  if (start < 0 || text.substring(start, start + source.length) !== source) return;
  const { sources } = code;
  const slices: string[] = new Array(sources.length);
  // The sources follow each other in the factory, a newline apart (buildFactorySource).
  let at = source.indexOf(FUNCTIONS_MARK);
  if (at < 0) return;
  at += FUNCTIONS_MARK.length;
  for (let i = 0; i < sources.length; i++) {
    const src = sources[i];
    if (src === undefined || source.substring(at, at + src.length) !== src) return;
    slices[i] = text.substring(start + at, start + at + src.length);
    at += src.length + 1;
  }
  code.sources = slices;
  code.factorySource = text.substring(start, start + source.length);
}

/** What a stack trace calls function `i`, as native: its name-section name, else `wasm-function[i]`. */
function stackName(module: WasmModule, i: number): string {
  return module.names?.functions[i] ?? `wasm-function[${i}]`;
}

/** V8 names a frame by its function's own `name` data property. */
function nameForStacks(fn: unknown, name: string): unknown {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  return fn;
}

/** A segment offset as an unsigned address (i32: `>>> 0`, i64: BigInt). */
function address(v: unknown): number {
  return typeof v === 'bigint' ? Number(BigInt.asUintN(64, v)) : (v as number) >>> 0;
}

/** The references element segment `e` holds. */
function elementValues(elems: ElementSegments, e: number, consts: ConstContext): unknown[] {
  const funcs = elementSegmentFuncs(elems, e);
  const values: unknown[] = [];
  if (funcs !== null) {
    for (let k = 0; k < funcs.length; k++) push(values, consts.refs[funcs[k]]);
  } else {
    for (const x of elems.others[elems.offsets[e]].exprs as ConstExpr[]) push(values, evalConst(x, consts));
  }
  return values;
}

/**
 * Instantiates a compiled module with the given imports (the JS API's
 * `importObject`, possibly undefined). Throws TypeError/LinkError from linking,
 * RuntimeError when a segment does not fit or the start function traps, and
 * whatever an imported JS function called by the start function throws.
 */
export function instantiate(code: CompiledCode, importObject?: unknown): InstanceRecord {
  return instantiateResolved(code, resolveImports(code.module, code.env, importObject));
}

/**
 * The second half of `instantiate`, for imports already read and matched by
 * `resolveImports` (the JS API reads them synchronously in
 * `WebAssembly.instantiate(module, importObject)` and instantiates later).
 */
export function instantiateResolved(code: CompiledCode, resolved: ResolvedImports): InstanceRecord {
  const { module, env } = code;
  const factory = factoryOf(code);

  const globals = resolved.globals.slice();
  for (const def of module.globals) push(globals, new WasmGlobal(def.type.type, def.type.mutable));
  const memories = resolved.memories.slice();
  for (const def of module.memories) {
    push(memories, new WasmMemory(def.limits.min, def.limits.max, def.limits.shared));
  }
  const tables = resolved.tables.slice();
  for (const def of module.tables)
    push(tables, new WasmTable(def.refType, def.limits.min, def.limits.max, null));

  const tags = resolved.tags.slice();
  for (let t = tags.length; t < env.tags.length; t++) {
    push(tags, new WasmTag((env.types[env.tags[t]] as FuncType).params));
  }

  const sigs = env.types.map((t) => (t.kind === 'func' ? canonicalSig(t as FuncType) : -1));
  const elem: unknown[][] = [];
  const segments = module.data;
  const numData = segments.kinds.length;
  // DATA[d]: a view for each passive segment; active ones are dropped once
  // copied below, so they start dropped (no view to make) and get a view only
  // if instantiation fails before their turn (see the catch below).
  const data: Uint8Array[] = [];
  for (let d = 0; d < numData; d++) {
    push(data, segments.kinds[d] === DataKind.passive ? dataSegmentBytes(segments, d) : EMPTY_BYTES);
  }
  const built = factory(helperBindings, {
    funcs: resolved.funcs,
    source: (j) => sourceOf(code, j),
    name: (fn, i) => nameForStacks(fn, stackName(module, i)),
    sigs,
    memories,
    tables: tables.map((t) => t.elements),
    globals: globals.map((g) => g.cell),
    data,
    elem,
  });
  for (const rec of built.refs) nameForStacks(rec.fn, stackName(module, rec.index));
  const funcs = resolved.funcs.concat(built.refs);
  // Registered for good: even if instantiation fails below, segments may
  // already have put this instance's functions into imported tables.
  memories.forEach((mem, m) => {
    mem.onGrow(built.refresh[m]);
  });

  // Globals in order: an initializer sees imported globals and earlier definitions.
  const consts: ConstContext = { globals, refs: funcs, f32FromBits: helpers.f32FromBits };
  const nImportedGlobals = resolved.globals.length;
  module.globals.forEach((def, j) => {
    globals[nImportedGlobals + j].setInternal(evalConst(def.init, consts));
  });
  built.globals();
  const nImportedTables = resolved.tables.length;
  module.tables.forEach((def: TableDef, j) => {
    if (def.init !== null) {
      const init = evalConst(def.init, consts);
      tables[nImportedTables + j].elements.fill(init);
    }
  });

  // Element segments, then data segments, each bounds-checked in turn (2.0):
  // a segment that does not fit fails instantiation; earlier writes stay.
  // ELEM[e]: the passive segments' references; the others are dropped once
  // placed, so they start dropped (see the catch below). Evaluating has no
  // effects, so each active segment is evaluated on its turn.
  const elems = module.elements;
  const numElem = elementSegmentCount(elems);
  const { kinds: elemKinds, ends: elemEnds, funcs: elemFuncs } = elems;
  for (let e = 0; e < numElem; e++) {
    const passive =
      elemKinds[e] === ElemKind.passive ||
      (elemKinds[e] === ElemKind.other && elementSegmentMode(elems, e) === 'passive');
    push(elem, passive ? elementValues(elems, e, consts) : EMPTY_REFS);
  }
  let nextElem = 0;
  let nextData = 0;
  try {
    for (let start = 0; nextElem < numElem; nextElem++) {
      const e = nextElem;
      const kind = elemKinds[e];
      const end = elemEnds[e];
      if (kind === ElemKind.active) {
        // The usual form, written straight from the indices.
        const table = tables[0].elements;
        const offset = elems.offsets[e] >>> 0;
        if (offset + (end - start) > table.length) throw new RuntimeError('table index is out of bounds');
        for (let k = start; k < end; k++) table[offset + k - start] = consts.refs[elemFuncs[k]];
      } else if (kind === ElemKind.other && elementSegmentMode(elems, e) === 'active') {
        const seg = elems.others[elems.offsets[e]];
        const table = tables[seg.table].elements;
        const offset = address(evalConst(seg.offset!, consts));
        const values = elementValues(elems, e, consts);
        if (offset + values.length > table.length) throw new RuntimeError('table index is out of bounds');
        for (let k = 0; k < values.length; k++) table[offset + k] = values[k];
      }
      start = end;
    }
    const { bytes, ends, kinds, offsets, placements } = segments;
    // No code runs while the segments are copied, so no memory grows: one view each.
    const views: Uint8Array[] = [];
    for (let start = 0; nextData < numData; nextData++) {
      const d = nextData;
      const end = ends[d];
      const kind = kinds[d];
      if (kind !== DataKind.passive) {
        let memory = 0;
        let offset: number;
        if (kind === DataKind.active) {
          offset = offsets[d] >>> 0;
        } else {
          const placement = placements[offsets[d]];
          memory = placement.memory;
          offset = address(evalConst(placement.offset, consts));
        }
        let view = views[memory];
        if (view === undefined) {
          view = new Uint8Array(memories[memory].buffer);
          views[memory] = view;
        }
        if (offset + (end - start) > view.length) throw new RuntimeError('data segment is out of bounds');
        copyBytes(bytes, start, end, view, offset);
      }
      start = end;
    }
  } catch (e) {
    // Functions this instance put into imported tables outlive it: for them,
    // the active segments not reached yet (the failing one included) were
    // never dropped.
    for (let e = nextElem; e < numElem; e++) {
      if (elementSegmentMode(elems, e) !== 'passive') elem[e] = elementValues(elems, e, consts);
    }
    for (let d = nextData; d < numData; d++) {
      if (segments.kinds[d] !== DataKind.passive) data[d] = dataSegmentBytes(segments, d);
    }
    throw e;
  }

  if (module.start !== null) (funcs[module.start].fn as () => void)();

  const exports = Object.create(null) as Record<string, unknown>;
  for (const exp of module.exports) {
    let value: unknown;
    switch (exp.kind) {
      case 0:
        value = exportFunction(funcs[exp.index]);
        break;
      case 1:
        value = tableObject(tables[exp.index]);
        break;
      case 2:
        value = memoryObject(memories[exp.index]);
        break;
      case 3:
        value = globalObject(globals[exp.index]);
        break;
      case 4:
        value = tagObject(tags[exp.index]);
        break;
      default:
        throw new LinkError(`export "${exp.name}": unknown export kind ${exp.kind}`);
    }
    Object.defineProperty(exports, exp.name, {
      value,
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }
  Object.freeze(exports);
  return { exports, funcs, tables, memories, globals, tags };
}
