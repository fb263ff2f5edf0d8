/**
 * Code shapes the emitter optimizes (fixtures/codegen.wat): bounds checks left
 * out when an earlier check covers them, traps as jumps to the function's end,
 * memory views cached in locals, i64 multiply, add and subtract inline (with
 * operands of every shape `mul64` handles), unsigned compares, immutable globals.
 * Each case runs here and in Node's native WebAssembly on the same arguments;
 * results, traps and the memory afterwards must be the same. The module is built
 * twice: with a memory maximum below 2 GiB (int32 addresses) and without one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileAll, instantiate } from './harness.js';

type Call = [name: string, ...args: (number | bigint)[]];

const CALLS: Call[] = [
  ['elide_loop', 0, 1],
  ['elide_loop', 8, 3],
  ['elide_loop', 16384 + 100, 4], // the 3rd iteration's base is out of bounds
  ['elide_loop', 65536 - 12, 1],
  ['elide_loop', 65536 - 11, 1],
  ['elide_invariant', 40, 5],
  ['elide_invariant', 65536 - 16, 3],
  ['elide_invariant', 65536 - 15, 3],
  ['elide_if', 65536 - 104, 1],
  ['elide_if', 65536 - 100, 0],
  ['elide_if', 65536 - 100, 1],
  ['elide_if', -1, 0],
  ['elide_block', 65536 - 208, 0],
  ['elide_block', 65536 - 200, 1],
  ['elide_block', 65536 - 199, 0],
  ['store_then_trap', 1000],
  ['store_then_trap', 65536 - 16],
  ['const_addr'],
  ['const_oob'],
  ['misaligned', 17, 0x0123456789abcdefn],
  ['misaligned', 65536 - 11, -2n],
  ['misaligned', 65536 - 10, 5n],
  ['trap_in_loops', 100, 7],
  ['trap_in_loops', 100, 2],
  ['trap_in_loops', -2147483648, -1],
  ['trap_in_loops', -2147483648, 4],
  ['ucmp', 0, 0],
  ['ucmp', -1, 1],
  ['ucmp', -2, -3],
  ['ucmp', -3, -2],
  ['ucmp', 0x7fffffff, -2147483648],
  ['ucmp', 5, 0x7fffffff],
  ['param_loop', 3, 5n, 0.5],
  ['param_loop', 1, -1n, -0],
  ['param_loop', 4, 0x7fffffff00000000n, 1e300],
  ['load64_computed', 64],
  ['load64_computed', 60],
  ['load64_computed', 65536 - 11],
  ['load64_computed', 65536 - 12],
  ['grow_in_callee'],
  ['grow_in_callee'],
  ['divrem', 7, 2, 9n, 4n],
  ['divrem', 7, 0, 9n, 4n],
  ['divrem', 7, 2, 9n, 0n],
  ['rem32', 7, 0],
  ['rem32', -7, 3],
  ['rem64', 7n, 0n],
  ['rem64', -0x8000000000000000n, -1n],
];

const I64_EDGE = [
  0n,
  1n,
  -1n,
  2n,
  -2n,
  -3n,
  -4n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  -0x8000000000000000n,
  0x80000000n,
  -0x80000000n,
  0x123456789abcdefn,
  -0x5deece66dn,
  0x9e3779b185ebca87n,
];
const I32_EDGE = [0, 1, -1, 7, -4, -5, -6, 0x7fffffff, -0x80000000, 0x12345678];
for (const x of I64_EDGE) {
  CALLS.push(['mul_consts', x], ['add_consts', x]);
  for (const y of I64_EDGE) CALLS.push(['mul_var', x, y]);
  for (let i = 0; i < I64_EDGE.length; i++) {
    const y = I64_EDGE[(i * 7 + 3) % I64_EDGE.length];
    const a = I32_EDGE[i % I32_EDGE.length];
    CALLS.push(['mul_shapes', x, y, a], ['mul_shapes_after_loop', x, y, a]);
  }
  for (let i = 0; i < I32_EDGE.length; i++) {
    CALLS.push([
      'after_loop',
      x,
      I64_EDGE[(i * 5) % I64_EDGE.length],
      I32_EDGE[i],
      I32_EDGE[(i + 3) % I32_EDGE.length],
    ]);
  }
}
// Comparison results as numbers (`cmp_numbers`), and a branch-free partition
// of pseudo-random words (unaligned too) around pivots from the data.
const F64_EDGE = [0, -1.5, Number.NaN, 7, -2147483648, 4294967295.5];
for (let i = 0; i < I32_EDGE.length; i++) {
  for (let j = 0; j < I32_EDGE.length; j++) {
    const x = I64_EDGE[(i * 3 + j) % I64_EDGE.length];
    CALLS.push(['cmp_numbers', I32_EDGE[i], I32_EDGE[j], x, F64_EDGE[(i + j) % F64_EDGE.length]]);
  }
  CALLS.push(['cmp_numbers', I32_EDGE[i], I32_EDGE[i], BigInt(I32_EDGE[i]), I32_EDGE[i]]);
}
for (const [p, n, seed] of [
  [256, 64, 1],
  [1026, 100, 7],
  [4096, 1000, 12345],
  [65536 - 40, 10, 3],
]) {
  CALLS.push(['fill_words', p, n, seed]);
  for (const pivot of [0, -1, 0x12345678, -0x80000000, 0x7fffffff]) CALLS.push(['partition', p, n, pivot]);
}
CALLS.push(['partition', 65536 - 40, 11, 0]); // the last word is out of bounds
// f32 loads of NaNs (signalling, quiet with a payload, canonical, either sign)
// and of numbers, through each kind of use (`f32_load_*`).
const F32_BITS = [
  0x7fa00001,
  0xffa00001 | 0,
  0x7f800001,
  0x7fbfffff,
  0x7fc12345,
  0xffc00000 | 0,
  0x7fc00000,
  0x3f800000,
  0x80000000 | 0,
  0x7f800000,
  0xc0490fdb | 0,
  1,
];
for (const bits of F32_BITS) {
  CALLS.push(['f32_load_arith', bits], ['f32_load_promote', bits], ['f32_load_cmp', bits]);
  CALLS.push(['f32_load_copy', bits], ['f32_load_tee', bits]);
  // (no NaN for f: which of two NaN operands the result carries differs from native)
  for (const f of [0, 1.5, -2, Number.POSITIVE_INFINITY]) CALLS.push(['f32_store_quiet', bits, f]);
  for (const c of [0, 1]) CALLS.push(['f32_load_br', bits, c], ['f32_load_select', bits, c]);
  for (const p of [256, 257, 65532, 65533]) CALLS.push(['f32_load_mul', bits, p]);
}
// Low halves whose product is just above a power of two: there the double
// d - (lo>>>0) can come out just below high * 2^32, and a high half truncated
// without rounding is one too small (random products almost never show it).
for (let k = 33n; k < 64n; k++) {
  for (const b of [0x9e3779b1n, 0xfffffffbn, 0x80000001n, 0xc2b2ae3dn]) {
    const a = ((1n << k) + b - 1n) / b;
    if (a < 1n << 32n) {
      CALLS.push(['mul_var', a, b], ['mul_var', a + 1n, b | (a << 32n)], ['after_loop', a, b, 0, 0]);
    }
  }
}
// A PRNG's worth of products: the high half is where the double arithmetic could round wrong.
let seed = 0x9e3779b9n;
const next = (): bigint => {
  seed = BigInt.asIntN(64, seed * 6364136223846793005n + 1442695040888963407n);
  return seed;
};
for (let i = 0; i < 300; i++) {
  CALLS.push(['mul_var', next(), next()], ['mul_consts', next()]);
  CALLS.push(['mul_var', next() >> 33n, next()], ['add_consts', next()]);
  CALLS.push(['after_loop', next(), next(), Number(next() >> 32n), Number(next() >> 40n)]);
  const a = Number(BigInt.asIntN(32, next()));
  CALLS.push(['mul_shapes', next(), next(), a], ['mul_shapes_after_loop', next(), next(), a]);
}

/** The source the compiler emits for each exported function of a module. */
function sourcesOf(bytes: Uint8Array): (name: string) => string {
  const { module, sources, env } = compileAll(bytes);
  return (name) => {
    const e = module.exports.find((x) => x.name === name && x.kind === 0);
    if (e === undefined) throw new Error(`no export ${name}`);
    return sources[e.index - env.numImportedFuncs];
  };
}

function outcome(f: () => unknown): string {
  try {
    const v = f();
    return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : `${typeof v}:${Object.is(v, -0) ? '-0' : v}`;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

for (const file of ['codegen.wasm', 'codegen-nomax.wasm']) {
  describe(file, () => {
    const bytes = readFileSync(join(__dirname, 'fixtures', file));
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, unknown>;
    const loom = instantiate(bytes);
    const sourceOf = sourcesOf(bytes);
    test('comparison results as numbers are branch-free', () => {
      // `?1:0` compiles to a branch that mispredicts on data-dependent comparisons.
      for (const name of ['cmp_numbers', 'partition']) expect(sourceOf(name)).not.toContain('?1:0');
      // Stored, passed, converted or compared with ===: a number (`|0`); an
      // operand of + - << ...: the bare boolean.
      expect(sourceOf('cmp_numbers')).toContain('l0<l1|0');
      expect(sourceOf('partition')).toMatch(/l\d+\+\(\(l\d+<l\d+\)<<2\)\|0/);
    });
    test('f32 loads read by arithmetic only skip the NaN-payload path', () => {
      for (const name of ['f32_load_arith', 'f32_load_mul', 'f32_load_promote', 'f32_load_cmp']) {
        expect(sourceOf(name), name).toContain('.f(');
        expect(sourceOf(name), name).not.toContain('loadF32(');
      }
      for (const name of ['f32_load_copy', 'f32_load_tee', 'f32_load_br', 'f32_load_select']) {
        expect(sourceOf(name), name).not.toContain('.f(');
      }
    });
    test('f32 stores of values that are no signalling NaN skip the NaN-payload path', () => {
      const src = sourceOf('f32_store_quiet');
      // 300..324 (arithmetic, conversions) and the quiet constants at 332, 336
      for (const at of [300, 304, 308, 312, 316, 320, 324, 332, 336]) expect(src).toMatch(`.F(${at},`);
      // a signalling NaN constant, a parameter, reinterpreted bits, neg, select
      for (const at of [328, 340, 344, 348, 352]) expect(src).toMatch(`storeF32(D0,${at},`);
      expect(sourceOf('f32_load_copy')).not.toContain('.F(');
    });
    const names = [...new Set(CALLS.map((c) => c[0]))];
    for (const name of names) {
      test(name, () => {
        for (const [n, ...args] of CALLS) {
          if (n !== name) continue;
          const want = outcome(() => (native[name] as (...a: unknown[]) => unknown)(...args));
          const got = outcome(() => {
            const r = loom.call(name, ...args);
            return r.length === 0 ? undefined : r[0];
          });
          expect(got, `${name}(${args.join(', ')})`).toBe(want);
          const nmem = new Uint8Array((native.memory as WebAssembly.Memory).buffer);
          expect(
            Buffer.compare(Buffer.from(loom.memory()!), Buffer.from(nmem)),
            `memory after ${name}(${args.join(', ')})`,
          ).toBe(0);
        }
      });
    }
  });
}
