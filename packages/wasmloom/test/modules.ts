/**
 * Small test modules built byte by byte (no text format at hand), shared by
 * the API tests. Every module here is valid for Node's native engine too, so
 * each test can run it on both.
 */
import { sleb64 } from '@wasmloom/binary';
import { body, module, section, str, uleb, vec } from './wasm-bytes.js';

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

export const kind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
}

export function limits(min: number, max?: number): number[] {
  return max === undefined ? [0, ...uleb(min)] : [1, ...uleb(min), ...uleb(max)];
}

/** Signed LEB128 (for i32.const / i64.const immediates). */
export function sleb(n: number | bigint): number[] {
  return sleb64(BigInt(n));
}

export const imp = (mod: string, name: string, k: number, ...desc: number[]) => [
  ...str(mod),
  ...str(name),
  k,
  ...desc,
];
export const exp = (name: string, k: number, index: number) => [...str(name), k, ...uleb(index)];

export interface ModuleParts {
  customs?: [string, number[]][];
  types?: number[][];
  imports?: number[][];
  /** Type index of each defined function. */
  funcs?: number[];
  tables?: number[][];
  memories?: number[][];
  tags?: number[][];
  globals?: number[][];
  exports?: number[][];
  start?: number;
  elems?: number[][];
  /** The data count section (needed by memory.init and data.drop). */
  dataCount?: number;
  /** Function bodies (see `body`), one per entry of `funcs`. */
  codes?: number[][];
  datas?: number[][];
  /** Custom sections placed after everything else. */
  trailing?: [string, number[]][];
}

export function build(p: ModuleParts): Uint8Array {
  const s: number[][] = [];
  for (const [name, bytes] of p.customs ?? []) s.push(section(0, [...str(name), ...bytes]));
  if (p.types) s.push(section(1, vec(p.types)));
  if (p.imports) s.push(section(2, vec(p.imports)));
  if (p.funcs) s.push(section(3, vec(p.funcs.map((t) => uleb(t)))));
  if (p.tables) s.push(section(4, vec(p.tables)));
  if (p.memories) s.push(section(5, vec(p.memories)));
  if (p.tags) s.push(section(13, vec(p.tags)));
  if (p.globals) s.push(section(6, vec(p.globals)));
  if (p.exports) s.push(section(7, vec(p.exports)));
  if (p.start !== undefined) s.push(section(8, uleb(p.start)));
  if (p.elems) s.push(section(9, vec(p.elems)));
  if (p.dataCount !== undefined) s.push(section(12, uleb(p.dataCount)));
  if (p.codes) s.push(section(10, vec(p.codes)));
  if (p.datas) s.push(section(11, vec(p.datas)));
  for (const [name, bytes] of p.trailing ?? []) s.push(section(0, [...str(name), ...bytes]));
  return module(...s);
}

export { body, str, uleb, vec };

export const empty = build({});

/**
 * Types: 0 (i32, i64) -> i64, 1 () -> (), 2 (f32, f64) -> f64, 3 () -> i32, 4 (i32) -> ().
 * Imports: env.f (func, type 1), env.g (global i32), env.mem (memory ≥ 1),
 * env.tbl (table anyfunc ≥ 2), env.tag (tag, type 4).
 * Functions: 1 add64 = a + b (type 0), 2 callF: calls env.f (type 1),
 * 3 fmul = f64(a) * b (type 2), 4 getG = env.g (type 3), 5 trap: unreachable
 * (type 1), 6 size = memory.size (type 3), 7 callIndirect1: call_indirect type 3
 * at table index 1 (type 3), 8 grow1 = memory.grow 1 (type 3).
 * Exports: every function by name, add64 twice (as "add64" and "alias"), the
 * imported memory/table/global/tag re-exported, a mutable i64 global "counter"
 * (= 5), an i32 global "answer" (= 42), a defined tag "dtag" (type 4).
 * Element segment: table[0] = add64, table[1] = getG. Data: "hi" at 16.
 */
export const kitchen = build({
  customs: [['meta', [1, 2, 3]]],
  types: [
    funcType([I32, I64], [I64]),
    funcType([], []),
    funcType([F32, F64], [F64]),
    funcType([], [I32]),
    funcType([I32], []),
  ],
  imports: [
    imp('env', 'f', kind.func, 1),
    imp('env', 'g', kind.global, I32, 0),
    imp('env', 'mem', kind.memory, ...limits(1)),
    imp('env', 'tbl', kind.table, FUNCREF, ...limits(2)),
    imp('env', 'tag', kind.tag, 0, 4),
  ],
  funcs: [0, 1, 2, 3, 1, 3, 3, 3],
  tags: [[0, 4]],
  globals: [
    [I64, 1, 0x42, ...sleb(5), 0x0b],
    [I32, 0, 0x41, ...sleb(42), 0x0b],
  ],
  exports: [
    exp('add64', kind.func, 1),
    exp('alias', kind.func, 1),
    exp('callF', kind.func, 2),
    exp('fmul', kind.func, 3),
    exp('getG', kind.func, 4),
    exp('trap', kind.func, 5),
    exp('size', kind.func, 6),
    exp('callIndirect1', kind.func, 7),
    exp('grow1', kind.func, 8),
    exp('mem', kind.memory, 0),
    exp('tbl', kind.table, 0),
    exp('g', kind.global, 0),
    exp('counter', kind.global, 1),
    exp('answer', kind.global, 2),
    exp('tag', kind.tag, 0),
    exp('dtag', kind.tag, 1),
  ],
  elems: [[0, 0x41, 0, 0x0b, ...vec([uleb(1), uleb(4)])]],
  codes: [
    body(0x20, 1, 0x20, 0, 0xac, 0x7c, 0x0b),
    body(0x10, 0, 0x0b),
    body(0x20, 0, 0xbb, 0x20, 1, 0xa2, 0x0b),
    body(0x23, 0, 0x0b),
    body(0x00, 0x0b),
    body(0x3f, 0, 0x0b),
    body(0x41, 1, 0x11, 3, 0, 0x0b),
    body(0x41, 1, 0x40, 0, 0x0b),
  ],
  datas: [[0, 0x41, 16, 0x0b, ...str('hi')]],
  trailing: [
    ['meta', [4, 5]],
    ['other', [9]],
  ],
});

/** Imports for `kitchen`, made with namespace `W`; `log` records calls of env.f. */
export { kitchenImports } from './kitchen-imports.mjs';

/** A module whose start function traps (unreachable). */
export const startTraps = build({
  types: [funcType([], [])],
  funcs: [0],
  start: 0,
  codes: [body(0x00, 0x0b)],
});

/** A module whose start function calls its import env.f (type () -> ()). */
export const startCallsImport = build({
  types: [funcType([], [])],
  imports: [imp('env', 'f', kind.func, 0)],
  funcs: [0],
  start: 1,
  codes: [body(0x10, 0, 0x0b)],
});

/**
 * The order in which `instantiate(imports)` (of `startCallsImport`) reads the
 * imports ('env'), runs the start function ('start') and returns ('returned').
 */
export async function startImportOrder(
  instantiate: (imports: object) => Promise<unknown>,
): Promise<string[]> {
  const order: string[] = [];
  const promise = instantiate({
    get env() {
      order.push('env');
      return { f: () => order.push('start') };
    },
  });
  order.push('returned');
  await promise;
  return order;
}

/** Exports `f`, whose body is an opcode that does not exist: malformed. */
export const badOpcode = build({ types: [funcType([], [])], funcs: [0], codes: [body(0xff, 0x0b)] });

/** Exports `f` that returns an i32 from an empty stack: invalid. */
export const invalidBody = build({ types: [funcType([], [I32])], funcs: [0], codes: [body(0x0b)] });

/** Imports of each kind in the order the WPT "getter order" test uses. */
export const importOrder = build({
  imports: [
    imp('module', 'global1', kind.global, I32, 0),
    imp('module2', 'global3', kind.global, I32, 0),
    imp('module', 'memory', kind.memory, ...limits(0, 128)),
    imp('module', 'global2', kind.global, I32, 0),
  ],
});

/** One import of each kind, each from module "m". */
export function singleImport(k: number, ...desc: number[]): Uint8Array {
  return build({ types: [funcType([], [])], imports: [imp('m', 'x', k, ...desc)] });
}

/** Exports a v128 global (v128.const of 16 zero bytes) as "v" and a function returning nothing as "f". */
export const v128Global = build({
  types: [funcType([], [])],
  funcs: [0],
  globals: [[V128, 1, 0xfd, 12, ...new Array(16).fill(0), 0x0b]],
  exports: [exp('v', kind.global, 0), exp('f', kind.func, 0)],
  codes: [body(0x0b)],
});

/** A memory export "m" (1 page, max 2) and "grow" = memory.grow(arg) and "load" = i32.load8_u(arg). */
export const growable = build({
  types: [funcType([I32], [I32])],
  funcs: [0, 0],
  memories: [limits(1, 2)],
  exports: [exp('m', kind.memory, 0), exp('grow', kind.func, 0), exp('load', kind.func, 1)],
  codes: [body(0x20, 0, 0x40, 0, 0x0b), body(0x20, 0, 0x2d, 0, 0, 0x0b)],
  datas: [[0, 0x41, 3, 0x0b, ...str('\u0007')]],
});
