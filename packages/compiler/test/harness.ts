/**
 * Test-only instance assembler: parse a module, compile every function with
 * `compileFunction`, wrap the sources in one factory per abi.ts (one memory,
 * tables, globals, segments) and hand back the functions. Calls go through the
 * internal convention: `callRaw` takes and returns internal values (i64 as a
 * (lo, hi) pair, f32 NaNs with payloads); `call` converts from/to JS numbers
 * and BigInts. Imported functions are wrapped the other way. Not the real
 * runtime (linking, Memory/Table/Global objects live in packages/runtime).
 */
import {
  type ConstExpr,
  dataSegmentAt,
  dataSegmentCount,
  EXTERNREF,
  type FuncType,
  I64,
  type ModuleEnv,
  Op,
  parseModule,
  type ValType,
  type WasmModule,
} from '@wasmloom/binary';
import { helpers } from '@wasmloom/runtime';
import { compileFunction, type EmitLimits } from '../src/index.js';

const PAGE = 65536;

interface MemState {
  buffer: ArrayBuffer;
  max: number;
  refresh: () => void;
  grow(delta: number): number;
}

function makeMemory(min: number, max: number | null): MemState {
  const m: MemState = {
    buffer: new ArrayBuffer(min * PAGE),
    max: Math.min(max ?? 65536, 65536),
    refresh: () => {},
    grow(delta: number): number {
      const old = this.buffer.byteLength / PAGE;
      if (old + delta > this.max) return -1;
      const next = new ArrayBuffer((old + delta) * PAGE);
      new Uint8Array(next).set(new Uint8Array(this.buffer));
      this.buffer = next;
      this.refresh();
      return old;
    },
  };
  return m;
}

export interface HarnessImports {
  /** Imported functions by "module.name", called with JS values (i64 as BigInt). */
  funcs?: Record<string, (...args: unknown[]) => unknown>;
  globals?: Record<string, number | bigint>;
}

export interface Harness {
  env: ModuleEnv;
  module: WasmModule;
  sources: string[];
  /** Internal-convention call: args and results flattened (i64 → lo, hi). */
  callRaw(name: string, args: unknown[]): unknown[];
  /** JS-level call: i64 as BigInt; results as an array. */
  call(name: string, ...args: unknown[]): unknown[];
  exportType(name: string): FuncType;
  memory(): Uint8Array | null;
}

export function compileAll(
  bytes: Uint8Array,
  limits?: EmitLimits,
): { env: ModuleEnv; module: WasmModule; sources: string[] } {
  const parsed = parseModule(bytes);
  const sources = parsed.bodies.map((b) => compileFunction(parsed.env, b.index, b, limits));
  return { env: parsed.env, module: parsed.module, sources };
}

function sigKey(t: FuncType): string {
  return `${t.params.join(',')}>${t.results.join(',')}`;
}

function toInternal(t: ValType, v: unknown, out: unknown[]): void {
  if (t === I64) {
    const b = BigInt(v as bigint);
    out.push(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n)));
  } else if (t === 0x7f) out.push(Number(v) | 0);
  else if (t === 0x7d) out.push(Math.fround(Number(v)));
  else if (t === 0x7c) out.push(Number(v));
  else out.push(v);
}

function fromInternal(types: readonly ValType[], flat: unknown[]): unknown[] {
  const out: unknown[] = [];
  let k = 0;
  for (const t of types) {
    if (t === I64) {
      out.push((BigInt(flat[k + 1] as number) << 32n) | BigInt((flat[k] as number) >>> 0));
      k += 2;
    } else out.push(flat[k++]);
  }
  return out.map((v, i) => (types[i] === I64 ? BigInt.asIntN(64, v as bigint) : v));
}

/** An empty array whose elements kind is generic, so NaN payloads survive. */
export function genericArray(): unknown[] {
  const a: unknown[] = [null];
  a.length = 0;
  return a;
}

/** `limits`: where the compiler splits functions (its defaults if undefined). */
export function instantiate(bytes: Uint8Array, imports: HarnessImports = {}, limits?: EmitLimits): Harness {
  const { env, module, sources } = compileAll(bytes, limits);
  const sigIds = new Map<string, number>();
  const sigOf = (t: FuncType) => {
    const k = sigKey(t);
    let id = sigIds.get(k);
    if (id === undefined) {
      id = sigIds.size;
      sigIds.set(k, id);
    }
    return id;
  };
  const ftypes = env.funcs.map((ti) => env.types[ti] as FuncType);

  // Imported functions, adapted to the internal convention.
  const importedFns: unknown[] = [];
  const globalCells: { v: unknown; h?: number }[] = [];
  for (const imp of module.imports) {
    const key = `${imp.module}.${imp.name}`;
    if (imp.kind === 0) {
      const ft = env.types[imp.typeIndex] as FuncType;
      const fn = imports.funcs?.[key] ?? (() => undefined);
      importedFns.push((...raw: unknown[]) => {
        const args = fromInternal(ft.params, raw);
        const r = fn(...args);
        if (ft.results.length === 0) return undefined;
        const flat: unknown[] = [];
        const rs = ft.results.length === 1 ? [r] : (r as unknown[]);
        ft.results.forEach((t, i) => {
          toInternal(t, rs[i], flat);
        });
        if (ft.results.length === 1) {
          if (ft.results[0] === I64) helpers.HI[0] = flat[1] as number;
          return flat[0];
        }
        flat.forEach((v, i) => {
          helpers.RV[i] = v;
        });
        return undefined;
      });
    } else if (imp.kind === 3) {
      const v = imports.globals?.[key] ?? 0;
      const flat: unknown[] = [];
      toInternal(imp.global.type, imp.global.type === I64 ? BigInt(v) : v, flat);
      globalCells.push(imp.global.type === I64 ? { v: flat[0], h: flat[1] as number } : { v: flat[0] });
    }
  }

  const names = Object.keys(helpers);
  let src = `var {${names.join(',')}} = rt.helpers;\n`;
  for (let i = 0; i < env.numImportedFuncs; i++) src += `var f${i} = ctx.imports[${i}];\n`;
  for (let i = 0; i < env.funcs.length; i++)
    src += `var REF${i} = {fn: f${i}, sig: ${sigOf(ftypes[i])}, js: null};\n`;
  env.types.forEach((t, i) => {
    if (t.kind === 'func') src += `var SIG${i} = ${sigOf(t)};\n`;
  });
  if (env.memories.length > 0) {
    src += 'var MEM0 = ctx.mem; var DV0, U80, LEN0, I32_0, F64_0;\n';
    src +=
      'MEM0.refresh = () => { const b = MEM0.buffer; DV0 = new MemoryView(b); U80 = new Uint8Array(b); LEN0 = b.byteLength; I32_0 = new Int32Array(b); F64_0 = new Float64Array(b); }; MEM0.refresh();\n';
  }
  env.tables.forEach((_, i) => {
    src += `var TBL${i} = ctx.tables[${i}];\n`;
  });
  let setGlobals = '';
  env.globals.forEach((g, i) => {
    src += `var G${i} = ctx.globals[${i}], GV${i}, GH${i}, GU${i};\n`;
    if (!g.mutable) setGlobals += `GV${i} = G${i}.v; GH${i} = G${i}.h; GU${i} = GV${i} >>> 0;`;
  });
  src += 'var DATA = ctx.data, ELEM = ctx.elem;\n';
  src += sources.join('\n');
  src += `\nreturn { funcs: [${env.funcs.map((_, i) => `f${i}`).join(',')}], refs: [${env.funcs.map((_, i) => `REF${i}`).join(',')}], globals() {${setGlobals}} };`;

  // spectest's memory is (1, 2) and its table (10, 20), whatever the import declares.
  const spectestMem = module.imports.some((i) => i.kind === 2 && i.module === 'spectest');
  const mem =
    env.memories.length === 0
      ? null
      : spectestMem
        ? makeMemory(1, 2)
        : makeMemory(env.memories[0].limits.min, env.memories[0].limits.max);
  const tables: (unknown[] & { max?: number | null })[] = env.tables.map((t, ti) => {
    const fromSpectest = module.imports.filter((i) => i.kind === 1)[ti]?.module === 'spectest';
    const a: unknown[] & { max?: number | null } = [];
    for (let i = 0; i < (fromSpectest ? 10 : t.limits.min); i++) a.push(null);
    a.max = fromSpectest ? 20 : t.limits.max;
    return a;
  });
  // Cells of defined globals exist before the factory binds them; values come after.
  for (let i = 0; i < module.globals.length; i++) globalCells.push({ v: 0 });
  const dataSegments = Array.from({ length: dataSegmentCount(module.data) }, (_, i) =>
    dataSegmentAt(module.data, i),
  );
  const ctx = {
    imports: importedFns,
    mem,
    tables,
    globals: globalCells,
    data: dataSegments.map((d) => d.bytes),
    elem: [] as unknown[][],
  };
  let factoryResult: { funcs: ((...a: unknown[]) => unknown)[]; refs: unknown[]; globals: () => void };
  try {
    factoryResult = new Function('rt', 'ctx', src)({ helpers }, ctx);
  } catch (e) {
    throw new Error(`factory failed: ${(e as Error).message}\n${src.slice(0, 4000)}`);
  }
  const { funcs, refs } = factoryResult;

  const evalConst = (e: ConstExpr): unknown[] => {
    const stack: unknown[][] = [];
    for (const ins of e.instrs) {
      switch (ins.op) {
        case Op.i32_const:
          stack.push([ins.imm as number]);
          break;
        case Op.i64_const: {
          const b = ins.imm as bigint;
          stack.push([Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))]);
          break;
        }
        case Op.f32_const:
          stack.push([helpers.f32FromBits(ins.imm as number)]);
          break;
        case Op.f64_const: {
          const b = ins.imm as bigint;
          stack.push([
            helpers.f64FromBits(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))),
          ]);
          break;
        }
        case Op.ref_null:
          stack.push([null]);
          break;
        case Op.ref_func:
          stack.push([refs[ins.imm as number]]);
          break;
        case Op.global_get: {
          const c = globalCells[ins.imm as number];
          stack.push(c.h === undefined ? [c.v] : [c.v, c.h]);
          break;
        }
        default:
          throw new Error(`harness: const op ${ins.op} unsupported`);
      }
    }
    return stack[0];
  };
  module.globals.forEach((g, i) => {
    const v = evalConst(g.init);
    const cell = globalCells[env.numImportedGlobals + i];
    cell.v = v[0];
    if (g.type.type === I64) cell.h = v[1] as number;
  });
  factoryResult.globals();
  // Element segments: passive ones stay, active ones are copied, then dropped.
  module.elements.forEach((seg, i) => {
    const items =
      seg.funcIndices !== null
        ? seg.funcIndices.map((f) => refs[f])
        : (seg.exprs ?? []).map((e) => evalConst(e)[0]);
    ctx.elem[i] = seg.mode === 'passive' ? items : [];
    if (seg.mode === 'active') {
      const off = (evalConst(seg.offset!)[0] as number) >>> 0;
      const t = tables[seg.table];
      if (off + items.length > t.length) throw new Error('elements out of bounds');
      items.forEach((it, k) => {
        t[off + k] = it;
      });
    }
  });
  dataSegments.forEach((seg, i) => {
    if (seg.mode === 'active') {
      const off = (evalConst(seg.offset!)[0] as number) >>> 0;
      if (off + seg.bytes.length > mem!.buffer.byteLength) throw new Error('data out of bounds');
      new Uint8Array(mem!.buffer).set(seg.bytes, off);
      ctx.data[i] = new Uint8Array(0);
    }
  });
  if (module.start !== null) funcs[module.start]();

  const exportIndex = (name: string) => {
    const e = module.exports.find((x) => x.name === name && x.kind === 0);
    if (!e) throw new Error(`no exported function ${name}`);
    return e.index;
  };
  const callRaw = (name: string, args: unknown[]): unknown[] => {
    const fi = exportIndex(name);
    const ft = ftypes[fi];
    const r = funcs[fi](...args);
    const n = ft.results.length;
    // Arrays of generic elements: V8 canonicalizes NaNs stored in double arrays.
    const out = genericArray();
    if (n === 0) return out;
    out.push(r);
    if (n === 1) {
      if (ft.results[0] === I64) out.push(helpers.HI[0]);
      return out;
    }
    out.length = 0;
    let k = 0;
    for (const t of ft.results) k += t === I64 ? 2 : 1;
    for (let i = 0; i < k; i++) out.push(helpers.RV[i]);
    return out;
  };
  return {
    env,
    module,
    sources,
    callRaw,
    call(name: string, ...args: unknown[]): unknown[] {
      const ft = ftypes[exportIndex(name)];
      const flat: unknown[] = [];
      ft.params.forEach((t, i) => {
        toInternal(t, args[i], flat);
      });
      return fromInternal(ft.results, callRaw(name, flat));
    },
    exportType: (name: string) => ftypes[exportIndex(name)],
    memory: () => (mem ? new Uint8Array(mem.buffer) : null),
  };
}

export { EXTERNREF };
