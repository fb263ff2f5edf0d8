/**
 * Deeply nested blocks: Go's resumable functions (esbuild-wasm) dispatch
 * through a br_table over ~2,100 nested blocks. The compiler flattens such
 * chains into regions (a loop over a switch, see compile-function.ts) instead
 * of nesting as many JS blocks, which overflowed V8's parser stack. Every
 * shape here runs on wasmloom and on native WebAssembly, with the same result
 * for every entry point required.
 */
import { describe, expect, it } from 'vitest';
import { WebAssembly as Loom } from '../src/index.js';
import { module, section, sleb, str, uleb, vec } from './wasm-bytes.js';

const I32 = 0x7f;
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const BR_IF = 0x0d;
const BR_TABLE = 0x0e;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const CONST = 0x41;
const ADD = 0x6a;
const SUB = 0x6b;
const MUL = 0x6c;
const REM_U = 0x70;

/** `acc = acc * 3 + d` (local `acc`): a trace of the path taken. */
const mark = (acc: number, d: number): number[] => [
  GET,
  acc,
  CONST,
  3,
  MUL,
  CONST,
  ...sleb(d),
  ADD,
  SET,
  acc,
];

/** br_table over depths 0..n-1 (default n-1), with the index from `index`. */
const dispatch = (n: number, index: number[]): number[] => [
  ...index,
  BR_TABLE,
  ...uleb(n),
  ...Array.from({ length: n }, (_, d) => uleb(d)).flat(),
  ...uleb(n - 1),
];

/**
 * (func (param $k i32) (param $skip i32) (result i32) (local $acc i32)):
 * n void blocks entered through a br_table on $k; after the end of block d, a
 * mark, and every 7th a br_if $skip two blocks further out.
 */
function chain(n: number): number[] {
  const code: number[] = [];
  for (let i = 0; i < n; i++) code.push(BLOCK, 0x40);
  code.push(...dispatch(n, [GET, 0]));
  for (let d = 0; d < n; d++) {
    code.push(END, ...mark(2, d));
    if (d % 7 === 0 && d + 3 < n) code.push(GET, 1, BR_IF, 2);
  }
  return [0x01, 0x01, I32, ...code, GET, 2, END];
}

/**
 * (func (param $k i32) (param $v i32) (result i32)): n blocks of type
 * (result i32); the br_table carries $v out of the block $k selects, and
 * each end adds its depth.
 */
function valueChain(n: number): number[] {
  const code: number[] = [];
  for (let i = 0; i < n; i++) code.push(BLOCK, I32);
  code.push(...dispatch(n, [GET, 1, GET, 0]));
  for (let d = 0; d < n; d++) code.push(END, CONST, ...sleb(d), ADD);
  return [0x00, ...code, END];
}

/**
 * (func (param $count i32) (param $skip i32) (result i32) (local $acc i32)):
 * an outer chain of m blocks around a loop that runs $count times through an
 * inner chain of n blocks (entered at $count mod n): a region inside a loop
 * inside a region.
 */
function loopInChain(m: number, n: number): number[] {
  const code: number[] = [];
  for (let i = 0; i < m; i++) code.push(BLOCK, 0x40);
  code.push(LOOP, 0x40);
  for (let i = 0; i < n; i++) code.push(BLOCK, 0x40);
  code.push(...dispatch(n, [GET, 0, CONST, ...sleb(n), REM_U]));
  for (let d = 0; d < n; d++) code.push(END, ...mark(2, d));
  // count -= 1; br_if loop (count != 0)
  code.push(GET, 0, CONST, 1, SUB, TEE, 0, BR_IF, 0, END);
  for (let d = 0; d < m; d++) {
    code.push(END, ...mark(2, 1000 + d));
    if (d % 5 === 0 && d + 2 < m) code.push(GET, 1, BR_IF, 1);
  }
  return [0x01, 0x01, I32, ...code, GET, 2, END];
}

function build(funcs: number[][]): Uint8Array {
  const names = ['chain', 'values', 'loop'];
  return module(
    section(1, vec([[0x60, 2, I32, I32, 1, I32]])),
    section(3, vec(funcs.map(() => [0]))),
    section(7, vec(funcs.map((_, i) => [...str(names[i]), 0, i]))),
    section(10, vec(funcs.map(fnBody))),
  );
}

/** A function body entry: its size, then the bytes (locals declaration included in `f`). */
function fnBody(f: number[]): number[] {
  return [...uleb(f.length), ...f];
}

type Exports = Record<'chain' | 'values' | 'loop', (a: number, b: number) => number>;

function both(bytes: Uint8Array): [Exports, Exports] {
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const loom = new Loom.Instance(new Loom.Module(bytes)).exports as unknown as Exports;
  return [native, loom];
}

describe('deeply nested blocks', () => {
  it.each([10, 150, 2500])('%i nested blocks give native results from every entry', (n) => {
    const [native, loom] = both(build([chain(n), valueChain(n), loopInChain(n, n)]));
    const entries = [0, 1, 2, 3, 6, 7, 8, n >> 1, n - 3, n - 2, n - 1, n, n + 5, -1];
    for (const k of entries) {
      for (const skip of [0, 1]) {
        expect(loom.chain(k, skip), `chain(${k}, ${skip})`).toBe(native.chain(k, skip));
        expect(loom.values(k, skip), `values(${k}, ${skip})`).toBe(native.values(k, skip));
      }
    }
    for (const count of [1, 2, 5, n + 3]) {
      for (const skip of [0, 1])
        expect(loom.loop(count, skip), `loop(${count}, ${skip})`).toBe(native.loop(count, skip));
    }
  });
});
