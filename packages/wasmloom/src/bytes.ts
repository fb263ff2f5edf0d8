/**
 * BufferSource arguments, as Web IDL converts them: an ArrayBuffer or an
 * ArrayBufferView (not over a SharedArrayBuffer), anything else a TypeError.
 */

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
  try {
    return new Uint8Array(buffer, offset, length);
  } catch {
    return new Uint8Array(0); // detached
  }
}

/** A copy of the bytes of a BufferSource, owned by the caller. */
export function copyBytes(source: unknown, context: string): Uint8Array {
  return viewBytes(source, context).slice();
}
