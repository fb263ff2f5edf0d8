/**
 * A linear memory (abi.ts `MEM{m}`): its current buffer, page count, limits,
 * and the instances that keep views of it.
 *
 * Every successful grow (even by 0 pages, as in V8) replaces the buffer and
 * detaches the old one, as the JS API requires, then runs the registered
 * listeners before returning, so each instance's `DV{m}`/`U8{m}`/`LEN{m}` are
 * current when wasm code continues. Detaching uses `ArrayBuffer.prototype.transfer`
 * where the engine has it (Node ≥ 22: one realloc); otherwise a new buffer is
 * allocated, the bytes copied, and the old buffer detached by transferring it
 * through `structuredClone` (or a `MessageChannel` where that is missing).
 *
 * A shared memory is a growable SharedArrayBuffer where the engine supports it:
 * it grows in place, never detaches, and other threads holding it see the new
 * length. Without growable SharedArrayBuffer a shared memory cannot grow.
 */
import {
  ArrayBuffer,
  apply,
  Math,
  Object,
  push,
  SharedArrayBuffer,
  setBytes,
  structuredClone,
  Uint8Array,
} from './intrinsics.js';

export const PAGE_SIZE = 65536;
/** Pages addressable by a 32-bit memory. */
export const MAX_PAGES = 65536;

type Listener = () => void;

interface TransferableBuffer {
  transfer?: (this: ArrayBuffer, newLength?: number) => ArrayBuffer;
}
const nativeTransfer = (ArrayBuffer.prototype as TransferableBuffer).transfer;

/** Detaches `buf` (its byteLength becomes 0) without copying it. */
export function detachBuffer(buf: ArrayBuffer): void {
  if (typeof structuredClone === 'function') {
    structuredClone(buf, { transfer: [buf] });
  } else if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    channel.port1.postMessage(buf, [buf]);
    channel.port1.close();
    channel.port2.close();
  }
}

interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  grow(newLength: number): void;
  readonly growable: boolean;
}

type GrowableSharedArrayBufferConstructor = new (
  length: number,
  options: { maxByteLength: number },
) => SharedArrayBuffer;

export class WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
  /** Current size in pages. */
  pages: number;
  /** Maximum in pages, or null. */
  readonly maximum: number | null;
  readonly shared: boolean;
  /** The `WebAssembly.Memory` object for this memory, once one exists. */
  api: object | null = null;
  private readonly listeners: Listener[] = [];

  constructor(initial: number, maximum: number | null, shared = false) {
    if (initial > MAX_PAGES)
      throw new RangeError(`memory size ${initial} pages exceeds the maximum of ${MAX_PAGES}`);
    this.pages = initial;
    this.maximum = maximum;
    this.shared = shared;
    const bytes = initial * PAGE_SIZE;
    if (shared) {
      const maxBytes = Math.min(maximum ?? MAX_PAGES, MAX_PAGES) * PAGE_SIZE;
      let sab: SharedArrayBuffer;
      try {
        sab = new (SharedArrayBuffer as GrowableSharedArrayBufferConstructor)(bytes, {
          maxByteLength: maxBytes,
        });
      } catch {
        sab = new SharedArrayBuffer(bytes);
      }
      this.buffer = Object.freeze(sab);
    } else {
      this.buffer = new ArrayBuffer(bytes);
    }
  }

  /** Registers a view refresher run after every grow. */
  onGrow(listener: Listener): void {
    push(this.listeners, listener);
  }

  /** Grows by `delta` pages: the old size, or -1 (memory unchanged) when it cannot. */
  grow(delta: number): number {
    const old = this.pages;
    const pages = old + delta;
    if (delta < 0 || pages > (this.maximum ?? MAX_PAGES) || pages > MAX_PAGES) return -1;
    const bytes = pages * PAGE_SIZE;
    if (this.shared) {
      const sab = this.buffer as GrowableSharedArrayBuffer;
      if (bytes !== sab.byteLength) {
        if (!sab.growable) return -1;
        try {
          sab.grow(bytes);
        } catch {
          return -1;
        }
      }
    } else {
      const oldBuf = this.buffer as ArrayBuffer;
      let next: ArrayBuffer;
      try {
        if (nativeTransfer !== undefined) next = apply(nativeTransfer, oldBuf, [bytes]) as ArrayBuffer;
        else if (delta === 0 && typeof structuredClone === 'function') {
          // Same size: move the backing store; nothing is copied.
          next = structuredClone(oldBuf, { transfer: [oldBuf] });
        } else {
          next = new ArrayBuffer(bytes);
          setBytes(new Uint8Array(next), new Uint8Array(oldBuf));
          detachBuffer(oldBuf);
        }
      } catch {
        // Out of memory: the spec lets grow fail.
        return -1;
      }
      this.buffer = next;
    }
    this.pages = pages;
    for (const listener of this.listeners) listener();
    return old;
  }
}
