/**
 * Differential tests: every export of fixtures/ops.wasm (one function per
 * numeric operator, memory accesses, bulk memory, multi-value, br_table, an
 * i64 hash loop) runs on the same inputs in Node's native WebAssembly and in
 * wasmloom's generated code; results are compared bit for bit (NaNs by class:
 * the spec lets NaN signs and payloads of arithmetic differ; the spec suite
 * checks the bit-exact operators), traps by kind. fixtures/ops.wat is the
 * source (`wat2wasm ops.wat -o ops.wasm`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { I64, type ValType } from '@wasmloom/binary';
import { helpers } from '@wasmloom/runtime';
import { describe, expect, test } from 'vitest';
import { genericArray, instantiate } from './harness.js';

const bytes = readFileSync(join(__dirname, 'fixtures/ops.wasm'));

// Deterministic inputs: edge cases plus a small PRNG.
let seed = 0x2545f491;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed | 0;
}
const I32_EDGE = [
  0, 1, -1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7fffffff, -0x80000000, 0x80, 0xff, 0x8000, 0xffff, -7,
];
const F_EDGE = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3.7,
  -3.7,
  1e10,
  -1e10,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  4.2e9,
  Infinity,
  -Infinity,
  NaN,
  1e-40,
  3.4028234663852886e38,
  5e-324,
  123456789.123,
];

/** Raw bit patterns as inputs: [lo, hi] for i64 and f64, number for i32 and f32 bits. */
function inputs(t: ValType): number[][] {
  const out: number[][] = [];
  if (t === 0x7f) for (const v of I32_EDGE) out.push([v]);
  if (t === I64) {
    for (const lo of [0, 1, -1, 7, 0x7fffffff, -0x80000000])
      for (const hi of [0, 1, -1, 0x7fffffff, -0x80000000, 5]) out.push([lo, hi]);
  }
  if (t === 0x7d) for (const v of F_EDGE) out.push([helpers.f32ToBits(Math.fround(v))]);
  if (t === 0x7c)
    for (const v of F_EDGE) {
      const lo = helpers.f64ToBits(v);
      out.push([lo, helpers.HI[0]]);
    }
  for (let i = 0; i < 12; i++) {
    if (t === I64 || t === 0x7c) out.push([rnd(), i % 3 === 0 ? rnd() >> 20 : rnd()]);
    else out.push([rnd()]);
  }
  return out;
}

/** Native call value from raw bits. */
function nativeArg(t: ValType, raw: number[]): unknown {
  switch (t) {
    case 0x7f:
      return raw[0];
    case I64:
      return (BigInt(raw[1]) << 32n) | BigInt(raw[0] >>> 0);
    case 0x7d:
      return new Float32Array(new Int32Array([raw[0]]).buffer)[0];
    default:
      return new Float64Array(new Int32Array([raw[0], raw[1]]).buffer)[0];
  }
}

function wasmloomArgs(t: ValType, raw: number[], out: unknown[]): void {
  if (t === I64) out.push(raw[0], raw[1]);
  else if (t === 0x7d) out.push(helpers.f32FromBits(raw[0]));
  else if (t === 0x7c) out.push(helpers.f64FromBits(raw[0], raw[1]));
  else out.push(raw[0]);
}

/** A comparable string for a native result value. */
function nativeKey(t: ValType, v: unknown): string {
  if (t === 0x7f) return `i32:${(v as number) | 0}`;
  if (t === I64) return `i64:${BigInt.asIntN(64, v as bigint)}`;
  if (t === 0x7d) {
    const b = new Int32Array(new Float32Array([v as number]).buffer)[0];
    return Number.isNaN(v) ? 'f32:nan' : `f32:${b}`;
  }
  const f = new Float64Array([v as number]);
  const w = new Int32Array(f.buffer);
  return Number.isNaN(v) ? 'f64:nan' : `f64:${w[0]},${w[1]}`;
}

function loomKeys(types: readonly ValType[], raw: unknown[]): string[] {
  const out: string[] = [];
  let k = 0;
  for (const t of types) {
    if (t === I64) {
      out.push(
        `i64:${BigInt.asIntN(64, (BigInt(raw[k + 1] as number) << 32n) | BigInt((raw[k] as number) >>> 0))}`,
      );
      k += 2;
    } else if (t === 0x7d) {
      const v = raw[k++] as number;
      const b = helpers.f32ToBits(v);
      out.push(Number.isNaN(v) ? 'f32:nan' : `f32:${b}`);
    } else if (t === 0x7c) {
      const v = raw[k++] as number;
      const lo = helpers.f64ToBits(v);
      const hi = helpers.HI[0];
      out.push(Number.isNaN(v) ? 'f64:nan' : `f64:${lo},${hi}`);
    } else out.push(`i32:${(raw[k++] as number) | 0}`);
  }
  return out;
}

function outcome(f: () => string[]): string[] {
  try {
    return f();
  } catch (e) {
    const err = e as Error;
    return [`${err.name}`];
  }
}

/** Cartesian product of per-parameter inputs, capped. */
function argSets(params: readonly ValType[]): number[][][] {
  let sets: number[][][] = [[]];
  for (const p of params) {
    const next: number[][][] = [];
    for (const s of sets) for (const v of inputs(p)) next.push([...s, v]);
    sets = next.length > 400 ? next.filter((_, i) => i % Math.ceil(next.length / 400) === 0) : next;
  }
  return sets;
}

describe('differential against native WebAssembly', () => {
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, unknown>;
  const loom = instantiate(bytes);
  // Both memories start with the same pattern.
  const nmem = new Uint8Array(
    (native.memory as WebAssembly.Memory | undefined)?.buffer ?? new ArrayBuffer(0),
  );
  const names = loom.module.exports.filter((e) => e.kind === 0 && e.name !== 'hash').map((e) => e.name);

  for (const name of names) {
    test(name, () => {
      const ft = loom.exportType(name);
      const fn = native[name] as (...a: unknown[]) => unknown;
      const addr = ft.params[0] === 0x7f && /load|store|fill|copy/.test(name);
      for (const set of argSets(ft.params)) {
        if (addr) {
          // Addresses near the end of memory exercise the bounds checks.
          set[0] = [[0, 8, 65530, 65533, 65536, -1, 100][Math.abs(set[0][0]) % 7]];
        }
        const want = outcome(() => {
          const r = fn(...ft.params.map((t, i) => nativeArg(t, set[i])));
          const rs = ft.results.length > 1 ? (r as unknown[]) : ft.results.length === 1 ? [r] : [];
          return ft.results.map((t, i) => nativeKey(t, rs[i]));
        });
        const got = outcome(() => {
          const args = genericArray();
          ft.params.forEach((t, i) => {
            wasmloomArgs(t, set[i], args);
          });
          return loomKeys(ft.results, loom.callRaw(name, args));
        });
        expect(got, `${name}(${set.map((s) => s.join('/')).join(', ')})`).toEqual(want);
      }
      const lmem = loom.memory();
      if (lmem) expect(Buffer.compare(Buffer.from(lmem), Buffer.from(nmem))).toBe(0);
    });
  }

  test('i64 hash loop', () => {
    const fn = native.hash as (n: number) => bigint;
    for (const n of [0, 1, 10, 1000]) expect(loom.call('hash', n)).toEqual([fn(n)]);
  });
});
