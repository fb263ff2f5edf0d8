/**
 * `WebAssembly.Memory`: the JS API object of a `WasmMemory`. One object per
 * memory (`memoryObject` caches it on the memory), so an exported memory is
 * the same object every time and imports find the memory behind it.
 */

import { Object } from '../intrinsics.js';
import { MAX_PAGES, WasmMemory } from '../memory.js';
import { defineInterface, dictionary, enforceRangeU32 } from './webidl.js';

const internals = new WeakMap<object, WasmMemory>();

function internal(self: unknown, what: string): WasmMemory {
  const mem = internals.get(self as object);
  if (mem === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Memory`);
  return mem;
}

export class Memory {
  constructor(descriptor: unknown) {
    const d = dictionary(descriptor, 'WebAssembly.Memory(): Argument 0');
    // Dictionary members are read in lexicographic order.
    const initialV = d.initial;
    if (initialV === undefined)
      throw new TypeError("WebAssembly.Memory(): Descriptor property 'initial' is required");
    const initial = enforceRangeU32(initialV, "WebAssembly.Memory(): Property 'initial'");
    const maximumV = d.maximum;
    const maximum =
      maximumV === undefined ? null : enforceRangeU32(maximumV, "WebAssembly.Memory(): Property 'maximum'");
    const shared = Boolean(d.shared);
    if (initial > MAX_PAGES) {
      throw new RangeError(
        `WebAssembly.Memory(): Property 'initial': value ${initial} is above the upper bound ${MAX_PAGES}`,
      );
    }
    if (maximum !== null) {
      if (maximum < initial) {
        throw new RangeError(
          `WebAssembly.Memory(): Property 'maximum': value ${maximum} is below the lower bound ${initial}`,
        );
      }
      if (maximum > MAX_PAGES) {
        throw new RangeError(
          `WebAssembly.Memory(): Property 'maximum': value ${maximum} is above the upper bound ${MAX_PAGES}`,
        );
      }
    }
    if (shared && maximum === null) {
      throw new TypeError('WebAssembly.Memory(): If shared is true, maximum property should be defined.');
    }
    const mem = new WasmMemory(initial, maximum, shared);
    mem.api = this;
    internals.set(this, mem);
  }

  grow(delta: number): number {
    const mem = internal(this, 'WebAssembly.Memory.grow()');
    const pages = enforceRangeU32(delta, 'WebAssembly.Memory.grow(): Argument 0');
    const old = mem.grow(pages);
    if (old < 0) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    return old;
  }

  /**
   * The current buffer: the same object until the memory grows, which detaches
   * it (a shared memory's SharedArrayBuffer grows in place instead). Typed
   * `ArrayBuffer` as lib.dom types it, though a shared memory's is a
   * SharedArrayBuffer.
   */
  get buffer(): ArrayBuffer {
    return internal(this, 'get WebAssembly.Memory.buffer').buffer as ArrayBuffer;
  }
}
defineInterface(Memory, 'WebAssembly.Memory', 1);

/** The memory behind a `WebAssembly.Memory`, or undefined for any other value. */
export function memoryOf(v: unknown): WasmMemory | undefined {
  return typeof v === 'object' && v !== null ? internals.get(v) : undefined;
}

/** The `WebAssembly.Memory` of a memory, created on first use. */
export function memoryObject(mem: WasmMemory): Memory {
  if (mem.api === null) {
    const obj = Object.create(Memory.prototype) as Memory;
    internals.set(obj, mem);
    mem.api = obj;
  }
  return mem.api as Memory;
}
