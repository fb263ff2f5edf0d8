/**
 * The i64 division helpers (no BigInt on any path) against BigInt, on the
 * operands where their paths meet: both below 2^53, 32-bit divisors, divisors
 * of 2^32 and more, the signed extremes, and random 64-bit values.
 */
import { describe, expect, it } from 'vitest';
import { HI, i64DivS, i64DivU, i64RemS, i64RemU } from '../src/helpers.js';

const MASK = (1n << 64n) - 1n;
const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));

/** A 64-bit LCG's high words, as fractions of 2^32: reproducible operands. */
function seeded(seed: number): () => number {
  let x = BigInt(seed);
  return () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & MASK;
    return Number(x >> 32n) / 4294967296;
  };
}

/** Operands of every shape: random bit lengths 0..64, edges, and their negations. */
function operands(n: number, seed: number): bigint[] {
  const random = seeded(seed);
  const word = () => BigInt(Math.floor(random() * 4294967296));
  const edges = [0n, 1n, 2n, 3n, 7n, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 0x100000001n];
  for (const k of [31, 32, 33, 52, 53, 54, 62, 63])
    edges.push((1n << BigInt(k)) - 1n, 1n << BigInt(k), (1n << BigInt(k)) + 1n);
  const out: bigint[] = [];
  for (const e of edges) out.push(e & MASK, -e & MASK);
  while (out.length < n) {
    const bits = Math.floor(random() * 65);
    const v = ((word() << 32n) | word()) & ((1n << BigInt(bits)) - 1n);
    out.push(random() < 0.5 ? v : -v & MASK);
  }
  return out;
}

function check(op: typeof i64DivS, a: bigint, b: bigint, expected: bigint): void {
  const gotLo = op(lo(a), hi(a), lo(b), hi(b));
  const got = (BigInt(HI[0] >>> 0) << 32n) | BigInt(gotLo >>> 0);
  if (got !== (expected & MASK)) {
    expect({ a: a.toString(16), b: b.toString(16), got: got.toString(16) }).toEqual({
      a: a.toString(16),
      b: b.toString(16),
      got: (expected & MASK).toString(16),
    });
  }
}

describe('i64 division without BigInt', () => {
  const xs = operands(700, 1);
  const ys = operands(300, 2);

  it('unsigned quotient and remainder equal BigInt’s', () => {
    for (const a of xs)
      for (const b of ys) {
        if (b === 0n) continue;
        check(i64DivU, a, b, a / b);
        check(i64RemU, a, b, a % b);
      }
  });

  it('signed quotient and remainder equal BigInt’s (truncating, remainder with the dividend’s sign)', () => {
    for (const ua of xs)
      for (const ub of ys) {
        const a = BigInt.asIntN(64, ua);
        const b = BigInt.asIntN(64, ub);
        if (b === 0n) continue;
        check(i64RemS, ua, ub, a % b);
        if (a === -(1n << 63n) && b === -1n) continue;
        check(i64DivS, ua, ub, a / b);
      }
  });

  it('traps on zero and on the one overflowing quotient', () => {
    expect(() => i64DivU(5, 0, 0, 0)).toThrow(/divide by zero/);
    expect(() => i64RemS(5, 0, 0, 0)).toThrow(/remainder by zero/);
    expect(() => i64DivS(0, -2147483648, -1, -1)).toThrow(/divide result unrepresentable/);
    expect(i64RemS(0, -2147483648, -1, -1)).toBe(0);
    expect(HI[0]).toBe(0);
  });
});
