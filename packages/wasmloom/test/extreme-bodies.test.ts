/**
 * Valid bodies at the extremes of nesting and stack depth: validated in time
 * linear in their size, compiled to JS that V8 parses and runs, with native's
 * results. (Before: 100,000 stacked constants took validation past V8's heap
 * limit, 2,000 nested ifs made every call throw RangeError.)
 */
import { describe, expect, it } from 'vitest';
import { createWebAssembly } from '../src/namespace.js';
import { build, exp, funcType, I32, I64, kind, uleb, vec } from './modules.js';

const W = createWebAssembly({ workers: 0 });

/** One function `f: (i32) -> (result)` with `code` and the `locals` declarations ((count, type) pairs). */
function single(code: number[], result = I32, locals: number[][] = []): Uint8Array {
  const content = [...vec(locals), ...code, 0x0b];
  return build({
    types: [funcType([I32], [result])],
    funcs: [0],
    exports: [exp('f', kind.func, 0)],
    codes: [[...uleb(content.length), ...content]],
  });
}

/** Runs `f(arg)` on native and on wasmloom; both results, and how long wasmloom's validate took. */
function both(bytes: Uint8Array, arg: number): { native: unknown; mine: unknown; validateMs: number } {
  const t = performance.now();
  expect(W.validate(bytes)).toBe(true);
  const validateMs = performance.now() - t;
  const native = (
    new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (a: number) => unknown
  )(arg);
  const mine = (
    (new W.Instance(new W.Module(bytes), {}) as { exports: Record<string, (a: number) => unknown> }).exports
      .f as (a: number) => unknown
  )(arg);
  return { native, mine, validateMs };
}

const repeat = (n: number, bytes: number[]) => new Array(n).fill(bytes).flat();

describe('extreme bodies', () => {
  it('100,000 i32 constants added up', () => {
    const n = 100_000;
    const r = both(single([...repeat(n, [0x41, 0x01]), ...repeat(n - 1, [0x6a])]), 0);
    expect(r.mine).toBe(r.native);
    expect(r.mine).toBe(n);
    expect(r.validateMs).toBeLessThan(5_000);
  });

  it('20,000 i64 constants added up', () => {
    const n = 20_000;
    const r = both(single([...repeat(n, [0x42, 0x03]), ...repeat(n - 1, [0x7c])], I64), 0);
    expect(r.mine).toBe(r.native);
    expect(r.mine).toBe(BigInt(3 * n));
  });

  it('a 100,000-long local.tee chain', () => {
    const r = both(single([0x20, 0x00, ...repeat(100_000, [0x22, 0x01])], I32, [[1, I32]]), 7);
    expect(r.mine).toBe(7);
    expect(r.native).toBe(7);
  });

  it('10,000 nested ifs with else arms, taken either way, and a branch out of the middle', () => {
    const n = 10_000;
    // if (param) ... 5000 levels in: br 4999 (out of half of them) with 3 on the stack ... else 9 end
    const open: number[] = [];
    for (let i = 0; i < n; i++) open.push(0x20, 0x00, 0x04, I32);
    const inner = [0x41, 0x02];
    const close: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === n / 2) close.push(0x41, 0x03, 0x0c, ...uleb(n / 2 - 1));
      close.push(0x05, 0x41, 0x09, 0x0b);
    }
    const code = [...open, ...inner, ...close];
    for (const arg of [1, 0]) {
      const r = both(single(code), arg);
      expect(r.mine).toBe(r.native);
    }
  });

  it('10,000 nested loops, the innermost counting down the parameter', () => {
    const n = 10_000;
    const code = [
      ...repeat(n, [0x03, 0x40]),
      // local.get 0; if: local.get 0; i32.const 1; i32.sub; local.set 0; br 1 (the innermost loop)
      0x20,
      0x00,
      0x04,
      0x40,
      0x20,
      0x00,
      0x41,
      0x01,
      0x6b,
      0x21,
      0x00,
      0x0c,
      0x01,
      0x0b,
      ...repeat(n, [0x0b]),
      0x20,
      0x00,
      0x41,
      0x05,
      0x6a,
    ];
    const r = both(single(code), 1000);
    expect(r.mine).toBe(r.native);
    expect(r.mine).toBe(5);
  });
});
