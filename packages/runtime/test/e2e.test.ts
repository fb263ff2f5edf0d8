/**
 * End to end against Node's native WebAssembly: bytes → parseModule →
 * compileFunction → instantiate, the same calls on both, the same results or
 * the same error class. Fixtures: `fixtures/*.wat`, built with
 * `wat2wasm X.wat -o X.wasm`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Global as WlGlobal } from '../src/api/global.js';
import { Memory as WlMemory } from '../src/api/memory.js';
import { Table as WlTable } from '../src/api/table.js';
import { LinkError, RuntimeError } from '../src/errors.js';
import { instantiate } from '../src/instance.js';
import { compile } from './pipeline.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}.wasm`, import.meta.url)));

type Fn = (...args: unknown[]) => unknown;

/** The outcome of a call: its value or the name of the error class. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    const name = (e as Error).constructor?.name ?? typeof e;
    return { error: name === 'Function' || name === 'Object' ? (e as Error).name : name };
  }
}

const sameBytes = (a: ArrayBufferLike, b: ArrayBufferLike) => Buffer.from(a).equals(Buffer.from(b));

// Every case twice: with the functions in the factory, and defined lazily on
// their first call (the form large modules get, instance.ts).
for (const lazy of [false, true]) {
  const mode = lazy ? 'functions defined lazily' : 'functions in the factory';
  describe(`e2e.wat (${mode})`, () => {
    const bytes = fixture('e2e');
    const logN: unknown[][] = [];
    const logW: unknown[][] = [];
    const nMem = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const wMem = new WlMemory({ initial: 1, maximum: 4 });
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { log: (...a: unknown[]) => logN.push(a), g: 3, mem: nMem },
    }).exports as Record<string, Fn>;
    const ours = instantiate(compile(bytes, lazy), {
      env: { log: (...a: unknown[]) => logW.push(a), g: 3, mem: wMem },
    }).exports as Record<string, Fn>;

    const same = (name: string, ...args: unknown[]) => {
      expect(
        outcome(() => ours[name](...args)),
        `${name}(${args.map(String).join(', ')})`,
      ).toEqual(outcome(() => native[name](...args)));
    };

    it('has the same exports', () => {
      expect(Object.keys(ours)).toEqual(Object.keys(native));
      for (const k of Object.keys(native)) {
        const n = native[k] as unknown;
        if (typeof n === 'function') {
          expect((ours[k] as Fn).name, k).toBe((n as Fn).name);
          expect((ours[k] as Fn).length, k).toBe((n as Fn).length);
        }
      }
    });

    it('computes the same results', () => {
      for (const n of [0, 1, 5, 10, 12, 13, -3]) same('fac', n);
      for (const n of [0, 1, 2, 10, 30, 46, 47]) same('fib', n);
      for (const [a, b] of [
        [0, 10],
        [1, 10],
        [2, 10],
        [3, 10],
        [4, 10],
        [-1, 10],
      ])
        same('indirect', a, b);
      for (const [a, b] of [
        [3n, 4n],
        [-1n, -1n],
        [2n ** 62n, 5n],
        [0x123456789n, 0x987654321n],
        [-(2n ** 63n), -1n],
      ]) {
        same('mul64', a, b);
        same('div64', a, b);
      }
      same('div64', 1n, 0n);
      same('mul64', 1, 2n);
      same('swap', 7, -9n);
      same('fdiv', 1, 3);
      same('fdiv', 0, 0);
      same('trunc', 1e10);
      same('trunc', -2.5);
      same('trunc', Number.NaN);
      same('getbig');
      same('unreach');
    });

    it('memory: data segment, loads, stores, grow, bounds', () => {
      for (const a of [16, 17, 20, 21, 65535, 65536, -1]) same('load8', a);
      same('store', 100, 0x01020304);
      same('load', 100);
      same('load', 65533);
      same('size');
      same('grow', 1);
      same('size');
      same('load', 65533);
      same('store', 131068, -1);
      same('load', 131068);
      same('grow', 5);
      expect(sameBytes(wMem.buffer, nMem.buffer)).toBe(true);
      wMem.grow(1);
      nMem.grow(1);
      same('store', 3 * 65536 - 4, 77);
      same('load', 3 * 65536 - 4);
      same('size');
    });

    it('globals, imports, multi-value, funcref', () => {
      same('bump');
      same('bump');
      expect((ours.big as unknown as WlGlobal).value).toBe(
        (native.big as unknown as WebAssembly.Global).value,
      );
      (ours.big as unknown as WlGlobal).value = 2n ** 40n;
      (native.big as unknown as WebAssembly.Global).value = 2n ** 40n;
      same('getbig');
      ours.callLog(-1, 2n ** 50n, 1.1, 2.2);
      native.callLog(-1, 2n ** 50n, 1.1, 2.2);
      expect(logW).toEqual(logN);
      expect(ours.reffunc()).toBe(ours.fac);
      expect(native.reffunc()).toBe(native.fac);
    });
  });

  describe(`segments.wat: uninstantiable module (${mode})`, () => {
    it('fails like native, keeping the first element segment and writing no data', () => {
      const bytes = fixture('segments');
      const nTab = new WebAssembly.Table({ element: 'anyfunc', initial: 2 });
      const nMem = new WebAssembly.Memory({ initial: 1 });
      const wTab = new WlTable({ element: 'anyfunc', initial: 2 });
      const wMem = new WlMemory({ initial: 1 });
      const n = outcome(
        () => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { tab: nTab, mem: nMem } }),
      );
      const w = outcome(() => instantiate(compile(bytes, lazy), { env: { tab: wTab, mem: wMem } }));
      expect(n).toEqual({ error: 'RuntimeError' });
      expect(w).toEqual({ error: 'RuntimeError' });
      expect(typeof wTab.get(0)).toBe(typeof nTab.get(0));
      expect(wTab.get(1)).toBe(nTab.get(1));
      expect(sameBytes(wMem.buffer, nMem.buffer)).toBe(true);
      expect(() => instantiate(compile(bytes, lazy), { env: { tab: wTab } })).toThrow(LinkError);
      expect(() => instantiate(compile(bytes, lazy), { env: { tab: wTab, mem: wMem } })).toThrow(
        RuntimeError,
      );
    });
  });

  describe(`start.wat (${mode})`, () => {
    it('runs the start function; re-exports behave like native', () => {
      const bytes = fixture('start');
      const hitsN: number[] = [];
      const hitsW: number[] = [];
      const hitN = (x: number) => hitsN.push(x);
      const hitW = (x: number) => hitsW.push(x);
      const gN = new WebAssembly.Global({ value: 'i32', mutable: true }, 10);
      const gW = new WlGlobal({ value: 'i32', mutable: true }, 10);
      const n = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { hit: hitN, g: gN } })
        .exports;
      const w = instantiate(compile(bytes, lazy), { env: { hit: hitW, g: gW } }).exports;
      expect(hitsW).toEqual(hitsN);
      expect(gW.value).toBe(gN.value);
      expect(w.g).toBe(gW);
      expect(n.g).toBe(gN);
      expect(w.hit === hitW).toBe(n.hit === hitN);
      expect(w.hit === w.hit2).toBe(n.hit === n.hit2);
      expect((w.hit as Fn).name).toBe((n.hit as Fn).name);
      expect(new Uint8Array((w.mem as WlMemory).buffer, 0, 16)).toEqual(
        new Uint8Array((n.mem as WebAssembly.Memory).buffer, 0, 16),
      );
    });
  });
}
