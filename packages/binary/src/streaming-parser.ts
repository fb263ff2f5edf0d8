/**
 * Resumable splitter of a module's bytes into payloads: the header, each
 * section as soon as its last byte is there, and the code section body by body
 * (never buffered whole). The caller owns the buffer: `parse(data, eof)` gets
 * the bytes not yet consumed, starting at the parser's current absolute offset,
 * and answers either "need about `hint` more bytes" or "consumed K bytes, here
 * is a payload". The parser's whole state is a state number and a few offsets.
 *
 * It does not decode section contents, check section order or validate
 * anything; that is `ModuleBuilder`'s job. Payload byte arrays are views of
 * `data`, valid until the caller reuses that buffer.
 *
 * `eof` is consulted only when the parser is stuck, so every byte split of the
 * same module reaches the same payloads and the same error.
 */
import { invalid, malformed } from './errors.js';
import { IMPL_LIMITS } from './limits.js';
import { Reader } from './reader.js';

export type Payload =
  | { kind: 'header'; version: number }
  | {
      kind: 'section';
      /** Any section id except 0 (custom) and 10 (code). */
      id: number;
      /** Absolute offset of the section id byte. */
      offset: number;
      /** Absolute offset of the first content byte. */
      contentOffset: number;
      bytes: Uint8Array;
    }
  | {
      kind: 'customSection';
      name: string;
      offset: number;
      /** Absolute offset of the first byte after the name. */
      contentOffset: number;
      /** The payload after the name. */
      bytes: Uint8Array;
    }
  | {
      kind: 'codeSectionStart';
      /** Number of function bodies the section declares. */
      count: number;
      offset: number;
      /** Absolute range of the section's contents (after its size). */
      contentOffset: number;
      end: number;
    }
  | {
      kind: 'functionBody';
      /** Position in the code section (0-based); the function index is imports + ordinal. */
      ordinal: number;
      /** Absolute offset of the body's first byte (after its size). */
      offset: number;
      bytes: Uint8Array;
    }
  | { kind: 'end'; offset: number };

export type ParseStep =
  | { type: 'needMoreData'; hint: number }
  | { type: 'parsed'; consumed: number; payload: Payload };

/** Largest section id the binary format knows (13 = tag). */
const MAX_SECTION_ID = 13;
const CODE_SECTION = 10;
/** JS API implementation limit on one function body, locals included. */
const MAX_FUNCTION_BODY_SIZE = IMPL_LIMITS.functionBodySize;

const HEADER = 0;
const SECTION = 1;
const BODY = 2;
const END = 3;

const WASM_VERSION = 1;

// Set by readLeb: the number of bytes the last complete LEB128 took.
let lebLength = 0;

/**
 * Unsigned 32-bit LEB128 at `data[pos]`, looking no further than `limit`.
 * Returns -1 when the encoding is not complete before `limit`; throws on an
 * overlong or too large encoding (decided by the bytes present alone).
 */
function readLeb(data: Uint8Array, pos: number, limit: number, base: number): number {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= limit) return -1;
    const byte = data[pos + i];
    if (i === 4) {
      if (byte & 0x80) throw malformed('integer representation too long', base + pos + i);
      if (byte & 0x70) throw malformed('integer too large', base + pos + i);
      lebLength = 5;
      return (result + byte * 0x10000000) >>> 0;
    }
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      lebLength = i + 1;
      return result >>> 0;
    }
  }
  return -1;
}

/** `data[start..end)` as a plain Uint8Array view (much cheaper than `subarray`). */
function view(data: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset + start, end - start);
}

function need(hint: number): ParseStep {
  return { type: 'needMoreData', hint: hint > 0 ? hint : 1 };
}

export class StreamingParser {
  private state = HEADER;
  /** Absolute offset of the first byte not yet consumed. */
  private pos = 0;
  /** Code section: absolute end of its contents, bodies still to come, next ordinal. */
  private codeEnd = 0;
  private bodiesLeft = 0;
  private ordinal = 0;

  /** Absolute offset of the next byte the parser expects. */
  get offset(): number {
    return this.pos;
  }

  parse(data: Uint8Array, eof: boolean): ParseStep {
    switch (this.state) {
      case HEADER:
        return this.parseHeader(data, eof);
      case SECTION:
        return this.parseSection(data, eof);
      case BODY:
        return this.parseBody(data, eof);
      default:
        if (data.length > 0) throw malformed('unexpected content after end of module', this.pos);
        return { type: 'parsed', consumed: 0, payload: { kind: 'end', offset: this.pos } };
    }
  }

  private parseHeader(data: Uint8Array, eof: boolean): ParseStep {
    if (data.length >= 4 && !(data[0] === 0 && data[1] === 0x61 && data[2] === 0x73 && data[3] === 0x6d)) {
      throw malformed('magic header not detected', 0);
    }
    if (data.length < 8) {
      if (eof) throw malformed('unexpected end', data.length);
      return need(8 - data.length);
    }
    const version = (data[4] | (data[5] << 8) | (data[6] << 16) | (data[7] << 24)) >>> 0;
    if (version !== WASM_VERSION) throw malformed('unknown binary version', 4);
    this.state = SECTION;
    this.pos = 8;
    return { type: 'parsed', consumed: 8, payload: { kind: 'header', version } };
  }

  private parseSection(data: Uint8Array, eof: boolean): ParseStep {
    const base = this.pos;
    const available = data.length;
    if (available === 0) {
      if (!eof) return need(1);
      this.state = END;
      return { type: 'parsed', consumed: 0, payload: { kind: 'end', offset: base } };
    }
    const id = data[0];
    if (id > MAX_SECTION_ID) throw malformed('malformed section id', base);
    const size = readLeb(data, 1, available, base);
    if (size < 0) {
      if (eof) throw malformed('unexpected end', base + available);
      return need(1);
    }
    const header = 1 + lebLength;
    const end = header + size; // relative to data[0]

    if (id === CODE_SECTION) {
      // Only the count is needed now; the bodies follow one by one.
      const limit = Math.min(end, available);
      const count = readLeb(data, header, limit, base);
      if (count < 0) {
        if (limit === end) throw malformed('unexpected end of section or function', base + end);
        if (eof) throw malformed('unexpected end', base + available);
        return need(1);
      }
      const consumed = header + lebLength;
      this.state = BODY;
      this.codeEnd = base + end;
      this.bodiesLeft = count;
      this.ordinal = 0;
      this.pos = base + consumed;
      return {
        type: 'parsed',
        consumed,
        payload: {
          kind: 'codeSectionStart',
          count,
          offset: base,
          contentOffset: base + header,
          end: base + end,
        },
      };
    }

    if (available < end) {
      if (eof) throw malformed('length out of bounds', base + 1);
      return need(end - available);
    }
    this.pos = base + end;
    if (id === 0) {
      const r = new Reader(data, header, end, base);
      const name = r.name();
      return {
        type: 'parsed',
        consumed: end,
        payload: {
          kind: 'customSection',
          name,
          offset: base,
          contentOffset: base + r.pos,
          bytes: view(data, r.pos, end),
        },
      };
    }
    return {
      type: 'parsed',
      consumed: end,
      payload: {
        kind: 'section',
        id,
        offset: base,
        contentOffset: base + header,
        bytes: view(data, header, end),
      },
    };
  }

  private parseBody(data: Uint8Array, eof: boolean): ParseStep {
    const base = this.pos;
    if (this.bodiesLeft === 0) {
      if (base !== this.codeEnd) throw malformed('section size mismatch', base);
      this.state = SECTION;
      return this.parseSection(data, eof);
    }
    const available = data.length;
    const sectionLeft = this.codeEnd - base;
    const limit = Math.min(sectionLeft, available);
    const size = readLeb(data, 0, limit, base);
    if (size < 0) {
      if (limit === sectionLeft) throw malformed('unexpected end of section or function', this.codeEnd);
      if (eof) throw malformed('unexpected end', base + available);
      return need(1);
    }
    const header = lebLength;
    const end = header + size;
    if (end > sectionLeft) throw malformed('unexpected end of section or function', base);
    if (size > MAX_FUNCTION_BODY_SIZE) {
      throw invalid(`size ${size} > maximum function size ${MAX_FUNCTION_BODY_SIZE}`, base);
    }
    if (available < end) {
      if (eof) throw malformed('unexpected end', base + available);
      return need(end - available);
    }
    this.pos = base + end;
    this.bodiesLeft--;
    return {
      type: 'parsed',
      consumed: end,
      payload: {
        kind: 'functionBody',
        ordinal: this.ordinal++,
        offset: base + header,
        bytes: view(data, header, end),
      },
    };
  }
}
