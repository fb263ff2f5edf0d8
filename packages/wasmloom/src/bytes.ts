/**
 * BufferSource arguments, as Web IDL converts them: an ArrayBuffer or an
 * ArrayBufferView (not over a SharedArrayBuffer), anything else a TypeError;
 * one over the JS API's module size limit a RangeError, as native.
 */
import { IMPL_LIMITS } from '@wasmloom/binary';

const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;

function isArrayBuffer(x: unknown): x is ArrayBuffer {
  if (typeof x !== 'object' || x === null) return false;
  try {
    abByteLength.call(x);
    return true;
  } catch {
    return false;
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return Object.prototype.toString.call(x);
  return typeof x;
}

/**
 * A view of the bytes of a BufferSource (no copy). A detached buffer gives no
 * bytes (and so a CompileError later), as Web IDL's "get a copy" does.
 */
export function viewBytes(source: unknown, context: string): Uint8Array {
  let buffer: unknown;
  let offset = 0;
  let length: number | undefined;
  if (ArrayBuffer.isView(source)) {
    buffer = source.buffer;
    offset = source.byteOffset;
    length = source.byteLength;
  } else {
    buffer = source;
  }
  if (!isArrayBuffer(buffer)) {
    throw new TypeError(
      `${context}: Argument 0 must be a buffer source (an ArrayBuffer or a typed array), got ${describe(source)}`,
    );
  }
  let view: Uint8Array;
  try {
    view = new Uint8Array(buffer, offset, length);
  } catch {
    return new Uint8Array(0); // detached
  }
  if (view.length > IMPL_LIMITS.moduleSize) {
    throw new RangeError(
      `${context}: buffer source exceeds maximum size of ${IMPL_LIMITS.moduleSize} (is ${view.length})`,
    );
  }
  return view;
}

/**
 * A copy of the bytes of a BufferSource, owned by the caller, in slices of
 * `sliceBytes` (the last one shorter), each in its own ArrayBuffer: a
 * consumer that drops each slice when done with it (`takeSlices`) lets the
 * copy be freed as it goes instead of holding all of it to the end.
 */
export function copySlices(source: unknown, context: string, sliceBytes: number): Uint8Array[] {
  const view = viewBytes(source, context);
  const out: Uint8Array[] = [];
  for (let at = 0; at < view.length; at += sliceBytes) out.push(view.slice(at, at + sliceBytes));
  return out;
}

/** Yields `slices` in order, removing each from the array as it goes (nothing else should hold them). */
export function* takeSlices(slices: Uint8Array[]): Generator<Uint8Array> {
  for (let i = 0; i < slices.length; i++) {
    const slice = slices[i];
    slices[i] = EMPTY;
    yield slice;
  }
}

const EMPTY = new Uint8Array(0);
