import { describe, expect, it } from 'vitest';
import { Memory, memoryObject, memoryOf } from '../src/api/memory.js';
import { MAX_PAGES, PAGE_SIZE, WasmMemory } from '../src/memory.js';

describe('WasmMemory', () => {
  it('allocates initial pages and grows, returning the old size', () => {
    const mem = new WasmMemory(1, 3);
    expect(mem.buffer.byteLength).toBe(PAGE_SIZE);
    expect(mem.grow(1)).toBe(1);
    expect(mem.pages).toBe(2);
    expect(mem.buffer.byteLength).toBe(2 * PAGE_SIZE);
    expect(mem.grow(2)).toBe(-1);
    expect(mem.pages).toBe(2);
    expect(mem.grow(1)).toBe(2);
  });

  it('keeps the contents and detaches the old buffer on grow (also by 0 pages)', () => {
    const mem = new WasmMemory(1, null);
    const old = mem.buffer as ArrayBuffer;
    new Uint8Array(old)[100] = 42;
    expect(mem.grow(1)).toBe(1);
    expect(old.byteLength).toBe(0);
    expect(new Uint8Array(mem.buffer)[100]).toBe(42);
    const before0 = mem.buffer;
    expect(mem.grow(0)).toBe(2);
    expect(before0.byteLength).toBe(0);
    expect(mem.buffer).not.toBe(before0);
    expect(new Uint8Array(mem.buffer)[100]).toBe(42);
  });

  it('leaves the buffer alone when grow fails', () => {
    const mem = new WasmMemory(1, 1);
    const buf = mem.buffer;
    expect(mem.grow(1)).toBe(-1);
    expect(mem.buffer).toBe(buf);
    expect(buf.byteLength).toBe(PAGE_SIZE);
  });

  it('limits growth to 65536 pages without a maximum', () => {
    const mem = new WasmMemory(0, null);
    expect(mem.grow(MAX_PAGES + 1)).toBe(-1);
    expect(() => new WasmMemory(MAX_PAGES + 1, null)).toThrow(RangeError);
  });

  it('runs grow listeners before grow returns', () => {
    const mem = new WasmMemory(1, null);
    const seen: number[] = [];
    mem.onGrow(() => seen.push(mem.buffer.byteLength));
    mem.grow(2);
    expect(seen).toEqual([3 * PAGE_SIZE]);
  });

  it('shared memory: a frozen SharedArrayBuffer that grows in place', () => {
    const mem = new WasmMemory(1, 4, true);
    const buf = mem.buffer;
    expect(buf).toBeInstanceOf(SharedArrayBuffer);
    expect(Object.isFrozen(buf)).toBe(true);
    new Uint8Array(buf)[5] = 9;
    expect(mem.grow(1)).toBe(1);
    expect(mem.buffer.byteLength).toBe(2 * PAGE_SIZE);
    expect(buf.byteLength).toBe(2 * PAGE_SIZE); // not detached: same backing store
    expect(new Uint8Array(mem.buffer)[5]).toBe(9);
    expect(mem.grow(3)).toBe(-1);
  });
});

describe('WebAssembly.Memory', () => {
  it('needs new and a descriptor with initial', () => {
    expect(() => (Memory as unknown as (d: unknown) => unknown)({ initial: 1 })).toThrow(TypeError);
    expect(() => new Memory(undefined)).toThrow(TypeError);
    expect(() => new Memory(5)).toThrow(TypeError);
    expect(() => new Memory({})).toThrow(TypeError);
  });

  it('enforces the unsigned long range and the page limits', () => {
    expect(() => new Memory({ initial: -1 })).toThrow(TypeError);
    expect(() => new Memory({ initial: 2 ** 32 })).toThrow(TypeError);
    expect(() => new Memory({ initial: Number.NaN })).toThrow(TypeError);
    expect(() => new Memory({ initial: 1n })).toThrow(TypeError);
    expect(() => new Memory({ initial: 65537 })).toThrow(RangeError);
    expect(() => new Memory({ initial: 2, maximum: 1 })).toThrow(RangeError);
    expect(() => new Memory({ initial: 1, maximum: 65537 })).toThrow(RangeError);
    expect(() => new Memory({ initial: 1, shared: true })).toThrow(TypeError);
    expect(new Memory({ initial: 1.9 }).buffer.byteLength).toBe(PAGE_SIZE);
    expect(new Memory({ initial: '2' }).buffer.byteLength).toBe(2 * PAGE_SIZE);
  });

  it('buffer is the same object until grow; grow detaches it; failure is a RangeError', () => {
    const m = new Memory({ initial: 1, maximum: 2 });
    const b = m.buffer;
    expect(m.buffer).toBe(b);
    expect(m.grow(1)).toBe(1);
    expect(b.byteLength).toBe(0);
    expect(m.buffer.byteLength).toBe(2 * PAGE_SIZE);
    expect(() => m.grow(1)).toThrow(RangeError);
    expect(() => m.grow(-1)).toThrow(TypeError);
  });

  it('brand checks and Web IDL shape', () => {
    expect(() => Memory.prototype.grow.call({}, 1)).toThrow(TypeError);
    const get = Object.getOwnPropertyDescriptor(Memory.prototype, 'buffer')!;
    expect(get.enumerable).toBe(true);
    expect(() => get.get!.call({})).toThrow(TypeError);
    expect(Object.getOwnPropertyDescriptor(Memory.prototype, 'grow')!.enumerable).toBe(true);
    expect(Object.prototype.toString.call(new Memory({ initial: 0 }))).toBe('[object WebAssembly.Memory]');
    expect(Memory.length).toBe(1);
  });

  it('one API object per memory', () => {
    const m = new Memory({ initial: 0 });
    const internal = memoryOf(m)!;
    expect(memoryObject(internal)).toBe(m);
    const fresh = new WasmMemory(1, null);
    const obj = memoryObject(fresh);
    expect(obj).toBeInstanceOf(Memory);
    expect(memoryObject(fresh)).toBe(obj);
    expect(obj.buffer).toBe(fresh.buffer);
    expect(memoryOf({})).toBeUndefined();
  });
});
