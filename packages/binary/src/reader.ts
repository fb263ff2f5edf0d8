/**
 * Byte reader over a window of a caller-owned buffer. Positions are indices into
 * `bytes`; `base` is the absolute module offset of `bytes[0]`, so errors carry
 * absolute offsets. LEB128 readers follow the spec exactly: at most ceil(N/7)
 * bytes, and the unused bits of the last byte must be zero (unsigned) or a sign
 * extension (signed); anything else is malformed.
 */
import { malformed, type WasmError } from './errors.js';
import { decodeUtf8 } from './utf8.js';

export class Reader {
  bytes: Uint8Array;
  pos: number;
  end: number;
  base: number;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length, base = 0) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.base = base;
  }

  /** Absolute module offset of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  error(message: string, pos = this.pos): WasmError {
    return malformed(message, this.base + pos);
  }

  eof(): WasmError {
    return malformed('unexpected end', this.base + this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) throw this.eof();
    return this.bytes[this.pos++];
  }

  peekU8(): number {
    if (this.pos >= this.end) throw this.eof();
    return this.bytes[this.pos];
  }

  /** Unsigned 32-bit LEB128. */
  u32(): number {
    const b = this.bytes;
    let pos = this.pos;
    if (pos < this.end) {
      const first = b[pos];
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      if (shift === 28) {
        // 5th byte: only 4 bits are used; continuation is an overlong encoding.
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        if (byte & 0x70) throw this.error('integer too large', pos - 1);
        result = (result | (byte << 28)) >>> 0;
        break;
      }
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    this.pos = pos;
    return result >>> 0;
  }

  /** Signed 32-bit LEB128. */
  s32(): number {
    const b = this.bytes;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      if (shift === 28) {
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        // Bits 4..6 of the last byte must all equal bit 3 (the sign).
        const high = byte & 0x78;
        if (high !== 0 && high !== 0x78) throw this.error('integer too large', pos - 1);
        result |= byte << 28;
        break;
      }
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) {
        if (shift < 32 && byte & 0x40) result |= -1 << shift;
        break;
      }
    }
    this.pos = pos;
    return result | 0;
  }

  /** Signed 33-bit LEB128 (block types, heap types); returns a JS number. */
  s33(): number {
    const b = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      if (i === 4) {
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        // 33 bits: 28 used so far, 5 more; bits 5..6 must equal bit 4 (sign).
        const high = byte & 0x70;
        if (high !== 0 && high !== 0x70) throw this.error('integer too large', pos - 1);
        result += (byte & 0x0f) * mul;
        if (byte & 0x10) result -= 16 * mul;
        break;
      }
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= mul;
        break;
      }
    }
    this.pos = pos;
    return result;
  }

  /** Signed 64-bit LEB128 as a BigInt. */
  s64(): bigint {
    const b = this.bytes;
    let pos = this.pos;
    // Fast path: values that fit in a small number of bytes use number arithmetic.
    let lo = 0; // accumulates up to 7 bytes (49 bits) exactly in a double
    let mul = 1;
    let i = 0;
    for (; i < 7; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      lo += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) {
        this.pos = pos;
        if (byte & 0x40) lo -= mul;
        return BigInt(lo);
      }
    }
    let result = BigInt(lo);
    let shift = 49n;
    for (; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      if (i === 9) {
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        // 64 bits: 63 used so far; bits 1..6 of the 10th byte must equal bit 0 (the sign).
        const last = byte & 0x7f;
        if (last !== 0 && last !== 0x7f) throw this.error('integer too large', pos - 1);
        result |= BigInt(byte & 1) << 63n;
        this.pos = pos;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) {
        this.pos = pos;
        if (byte & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
  }

  /** Unsigned 64-bit LEB128 as a JS number; larger than 2^53 is reported as too large. */
  u64(): number {
    const b = this.bytes;
    let pos = this.pos;
    let result = 0; // exact up to 2^53; beyond that only comparisons against limits matter
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eof();
      }
      const byte = b[pos++];
      if (i === 9) {
        if (byte & 0x80) throw this.error('integer representation too long', pos - 1);
        if (byte & 0x7e) throw this.error('integer too large', pos - 1);
      }
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
    }
    this.pos = pos;
    return result;
  }

  /** Four raw little-endian bytes as an unsigned 32-bit number (f32 bits). */
  u32le(): number {
    const pos = this.pos;
    if (this.end - pos < 4) {
      this.pos = this.end;
      throw this.eof();
    }
    const b = this.bytes;
    this.pos = pos + 4;
    return (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
  }

  /** A window of `n` bytes (a subarray of the caller's buffer, not a copy). */
  bytesView(n: number): Uint8Array {
    const start = this.pos;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  /** Moves past `n` bytes (as `bytesView` does, without making a view). */
  skip(n: number): void {
    if (n > this.end - this.pos) {
      this.pos = this.end;
      throw this.eof();
    }
    this.pos += n;
  }

  /** A UTF-8 name (length-prefixed); invalid UTF-8 is malformed. */
  name(): string {
    const len = this.u32();
    const start = this.pos;
    const view = this.bytesView(len);
    // ASCII fast path.
    let ascii = true;
    for (let i = 0; i < view.length; i++) {
      if (view[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii && len <= 256) return String.fromCharCode.apply(null, view as unknown as number[]);
    try {
      return decodeUtf8(view);
    } catch {
      throw this.error('malformed UTF-8 encoding', start);
    }
  }
}
