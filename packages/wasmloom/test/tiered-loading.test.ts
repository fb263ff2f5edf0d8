/**
 * Tiered loading: a Module exists once its bodies are valid, and a function's
 * JS is emitted at its first call (on the calling thread) or in the background
 * on the pool, with the same text either way; a Module shared or serialized
 * mid-way carries the sources made so far, and the receiver emits only the rest.
 */
import { bodyAt } from '@wasmloom/binary';
import { compileFunction } from '@wasmloom/compiler';
import { InlinePool } from '@wasmloom/pool';
import { EMIT_ALL_BELOW_BODY_BYTES, missingSources } from '@wasmloom/runtime';
import { describe, expect, it } from 'vitest';
import { backgroundEmission } from '../src/background-emit.js';
import { createWebAssembly, deserializeModule, moduleStats, serializeModule } from '../src/index.js';
import { moduleState } from '../src/module.js';
import { body, build, exp, funcType, I32, kind, sleb } from './modules.js';
import { DelayingPool, readModule, SQL_WASM } from './pool-fixtures.js';

/**
 * `n` exported functions `f{i}: () -> i32`, each returning `i * 7` after 1,200
 * `nop`s: bodies past `EMIT_ALL_BELOW_BODY_BYTES`, so the module stays tiered
 * when instantiated (a smaller one has all its JS emitted then).
 */
function manyFunctions(n: number): Uint8Array {
  const nops = new Array(1200).fill(0x01);
  return build({
    types: [funcType([], [I32])],
    funcs: new Array(n).fill(0),
    exports: Array.from({ length: n }, (_, i) => exp(`f${i}`, kind.func, i)),
    codes: Array.from({ length: n }, (_, i) => body(...nops, 0x41, ...sleb(i * 7), 0x0b)),
  });
}

const N = 200;
const W0 = createWebAssembly({ workers: 0 });
const bytes = manyFunctions(N);
const codeOf = (m: object) => moduleState(m, 'test').code;
type Exports = Record<string, () => number>;

describe('tiered loading', () => {
  it('keeps the test module above the size whose JS is all emitted at instantiation', () => {
    expect(bytes.length).toBeGreaterThan(EMIT_ALL_BELOW_BODY_BYTES);
  });

  it('emits all of a small module’s JS at its first instantiation (the plain factory)', () => {
    const small = build({
      types: [funcType([], [I32])],
      funcs: [0, 0],
      exports: [exp('a', kind.func, 0)],
      codes: [body(0x41, 0x05, 0x0b), body(0x41, 0x06, 0x0b)],
    });
    const m = new W0.Module(small);
    expect(missingSources(codeOf(m))).toBe(2);
    const { exports } = new W0.Instance(m, {}) as { exports: Exports };
    expect(missingSources(codeOf(m))).toBe(0);
    expect(exports.a()).toBe(5);
  });

  it('new Module validates and emits nothing; a first call emits that function only', () => {
    const ns = createWebAssembly({ workers: 0 });
    const m = new ns.Module(bytes);
    const code = codeOf(m);
    expect(missingSources(code)).toBe(N);
    expect(code.bodies?.starts.length).toBe(N + 1);
    const before = moduleStats().functionsEmitted;
    const { exports } = new ns.Instance(m, {}) as { exports: Exports };
    expect(moduleStats().functionsEmitted).toBe(before);
    expect(exports.f17()).toBe(119);
    expect(exports.f17()).toBe(119);
    expect(moduleStats().functionsEmitted).toBe(before + 1);
    expect(missingSources(code)).toBe(N - 1);
    // The same text the compiler gives for that body.
    expect(code.sources[17]).toBe(compileFunction(code.env, 17, bodyAt(code.bodies!, 17)));
  });

  it('rejects an invalid body at compile time, not at its first call', async () => {
    const bad = build({
      types: [funcType([], [I32])],
      funcs: [0, 0],
      codes: [body(0x41, 1, 0x0b), body(0x0b)],
    });
    const ns = createWebAssembly({ workers: 0 });
    expect(() => new ns.Module(bad)).toThrow(ns.CompileError);
    await expect(ns.compile(bad)).rejects.toThrow(/function 1/);
    expect(ns.validate(bad)).toBe(false);
  });

  it('runs a function called before the background emission reaches it, with the same source', async () => {
    // Emission batches on the pool answer after 300 ms; validation at once.
    const pool = new DelayingPool(new InlinePool(), { delay: (_, mode) => (mode === 'compile' ? 300 : 0) });
    const ns = createWebAssembly({ pool, inlineThreshold: 0 });
    const m = await ns.compile(bytes);
    const code = codeOf(m);
    expect(missingSources(code)).toBe(N);
    const before = moduleStats();
    const { instance } = (await ns.instantiate(bytes, {})) as unknown as { instance: { exports: Exports } };
    const mine = new ns.Instance(m, {}) as { exports: Exports };
    expect(mine.exports.f5()).toBe(35);
    expect(instance.exports.f199()).toBe(1393);
    expect(moduleStats().functionsEmitted).toBeGreaterThan(before.functionsEmitted);
    const lazy = code.sources[5];
    await backgroundEmission(code);
    // The pool made the rest; the one made at the first call stayed.
    expect(missingSources(code)).toBe(0);
    expect(code.bodies).toBeNull();
    expect(code.sources[5]).toBe(lazy);
    expect(moduleStats().functionsEmittedOnPool - before.functionsEmittedOnPool).toBe(N - 1);
    expect(mine.exports.f100()).toBe(700);
  });

  it.skipIf(readModule(SQL_WASM) === undefined)(
    'validates on the calling thread by default, and emits on the pool in the background',
    async () => {
      const pool = new DelayingPool(new InlinePool());
      const ns = createWebAssembly({ pool });
      const code = codeOf(await ns.compile(readModule(SQL_WASM)!));
      await backgroundEmission(code);
      // No validation batch went to the pool; every source came from it.
      expect(pool.batches).toBe(pool.emitBatches);
      expect(pool.emitBatches).toBeGreaterThan(1);
      expect(missingSources(code)).toBe(0);
      expect(pool.released).toBe(pool.opened);
    },
  );

  it('shares a module mid-way with the sources made so far; the receiver emits only the rest', () => {
    const ns = createWebAssembly({ workers: 0 });
    const m = new ns.Module(bytes);
    const { exports } = new ns.Instance(m, {}) as { exports: Exports };
    for (let i = 0; i < 10; i++) exports[`f${i}`]();
    const clone = structuredClone(m);
    const received = codeOf(clone);
    expect(missingSources(received)).toBe(N - 10);
    expect(received.sources.slice(0, 10)).toEqual(codeOf(m).sources.slice(0, 10));
    const before = moduleStats().functionsEmitted;
    const other = new ns.Instance(clone, {}) as { exports: Exports };
    for (let i = 0; i < N; i++) expect(other.exports[`f${i}`]()).toBe(i * 7);
    expect(moduleStats().functionsEmitted - before).toBe(N - 10);
    // Shared again after more were emitted: the new form carries them.
    for (let i = 10; i < 20; i++) exports[`f${i}`]();
    expect(missingSources(codeOf(structuredClone(m)))).toBe(N - 20);
  });

  it('serializes every source, emitting those not made yet', () => {
    const ns = createWebAssembly({ workers: 0 });
    const m = new ns.Module(bytes);
    const blob = serializeModule(m);
    expect(missingSources(codeOf(m))).toBe(0);
    const back = deserializeModule(blob);
    const code = codeOf(back);
    expect(missingSources(code)).toBe(0);
    expect(code.bodies ?? null).toBeNull();
    const before = moduleStats().functionsEmitted;
    const { exports } = new ns.Instance(back, {}) as { exports: Exports };
    expect(exports.f3()).toBe(21);
    expect(moduleStats().functionsEmitted).toBe(before);
  });
});
