/**
 * What JS sees of wasm, as native shows it: exported functions print as
 * native code, a trap's stack starts at the wasm function (its name-section
 * name, else `wasm-function[i]`), `table.set(i, undefined)` on a funcref
 * table is a TypeError, and growing a shared memory leaves the old buffer
 * usable.
 */
import { describe, expect, it } from 'vitest';
import { WebAssembly as W } from 'wasmloom';
import { body, build, exp, funcType, kind, str, uleb } from './modules.js';

const native = globalThis.WebAssembly as unknown as typeof W;
const engines = [
  ['native', native],
  ['wasmloom', W],
] as const;

// f (named "main" by the name section) and g (unnamed) trap; both () -> ().
const nameSection = [1, ...uleb(1 + 1 + 5), 1, 0, ...str('main')];
const bytes = build({
  types: [funcType([], [])],
  funcs: [0, 0],
  exports: [exp('f', kind.func, 0), exp('g', kind.func, 1)],
  codes: [body(0x00, 0x0b), body(0x00, 0x0b)],
  trailing: [['name', nameSection]],
});

describe('JS-visible differences', () => {
  it('an exported function prints as native code, with native name and length', () => {
    for (const [, engine] of engines) {
      const { f } = new engine.Instance(new engine.Module(bytes), {}).exports as Record<string, () => void>;
      expect(String(f)).toMatch(/^function \w*\(\) \{ \[native code\] \}$/);
      expect([f.name, f.length]).toEqual(['0', 0]);
    }
  });

  it('a trap stack starts at the wasm function: its name-section name, else wasm-function[i]', () => {
    for (const [, engine] of engines) {
      const e = new engine.Instance(new engine.Module(bytes), {}).exports as Record<string, () => void>;
      const firstFrame = (f: () => void) => {
        try {
          f();
        } catch (err) {
          return (err as Error).stack!.split('\n')[1];
        }
        return '';
      };
      expect(firstFrame(e.f)).toMatch(/^ {4}at main /);
      expect(firstFrame(e.g)).toMatch(/wasm-function\[1\]/);
    }
  });

  it('table.set(i, undefined) on a funcref table is a TypeError; a missing value stores null', () => {
    for (const [, engine] of engines) {
      const funcs = new engine.Table({ initial: 1, element: 'anyfunc' });
      expect(() => funcs.set(0, undefined)).toThrow(TypeError);
      funcs.set(0);
      expect(funcs.get(0)).toBeNull();
      const refs = new engine.Table({ initial: 1, element: 'externref' });
      refs.set(0, undefined);
      expect(refs.get(0)).toBeUndefined();
    }
  });

  it('growing a shared memory leaves the old buffer attached, seeing the same bytes', () => {
    for (const [, engine] of engines) {
      const memory = new engine.Memory({ initial: 1, maximum: 4, shared: true });
      const old = memory.buffer;
      memory.grow(1);
      expect(old.byteLength).toBeGreaterThanOrEqual(65536);
      new Uint8Array(memory.buffer)[100] = 42;
      expect(new Uint8Array(old)[100]).toBe(42);
      expect(memory.buffer.byteLength).toBe(131072);
    }
  });
});
