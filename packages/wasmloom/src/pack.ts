/**
 * Packing a `CompiledCode` into two flat parts and back: `text`, one string
 * holding every string of the code, and `bin`, one byte array holding
 * everything else. Both the structured-clone form of a Module (share.ts) and
 * the cache format (serialize.ts) are made of these two parts, so one
 * structured clone copies one big string and one byte array instead of a
 * graph of thousands of objects, and a cache blob is the same two parts
 * framed and checksummed.
 *
 * `text` starts with the module's factory source (runtime `buildFactorySource`:
 * prelude, every function's source, epilogue, or stubs instead of the sources
 * for a lazy factory); each entry of `sources` found in it is stored as a
 * (start, length) reference, so the function sources are stored once and the
 * receiver gets the factory source and the sources as slices of one string,
 * without joining anything. A source not found where expected (all of them,
 * for a lazy factory) is appended to `text` once.
 *
 * `bin` (all numbers unsigned LEB128 unless said otherwise):
 *
 *     factoryLength          text[0, factoryLength) is the factory source
 *     sourceCount
 *     sourceCount × (start, length)     text.substring(start, start + length); length 0: not emitted yet
 *     value                  the rest of the CompiledCode (module, env, …)
 *
 * A value is a tag byte and its payload: undefined, null, false, true; a
 * safe integer (non-negative, or negated); a float64 (8 bytes little-endian:
 * fractions, NaN, ±Infinity, -0); a bigint (sign, hex digits as a string); a
 * string (start and length in `text`, short strings interned); an array
 * (length, then each element or a hole); an object (a shape, defined at its
 * first use as a list of keys and the prototype, null or Object.prototype,
 * then one value per key); a Uint8Array (length, bytes: decoded as a view of
 * `bin`, which the decoder owns); another typed array (kind, length, bytes:
 * decoded as a copy); a reference to an array or typed array met before.
 * Only arrays of at least 16 elements and typed arrays of at least 16 bytes
 * keep their identity (a second use is a reference: a big shared array is
 * stored once, and may even contain itself); objects and small arrays used
 * twice are stored twice, equal but no longer the same object (nothing reads
 * a CompiledCode by identity), and a cycle through them is a TypeError, as
 * is nesting deeper than 256. Tracking every object costs more than the
 * rest of the encoding (measured on esbuild-wasm when its data segments were
 * still 500,000 objects). Anything else
 * (functions, symbols, class instances, Maps) is a TypeError: a
 * CompiledCode is plain data.
 */
import { buildFactorySource, type CompiledCode } from '@wasmloom/runtime';

/**
 * Version of the layout above, of the cache frame (serialize.ts) and of the
 * CompiledCode's shape inside (2: compact data segments; 3: sources may be
 * missing, with the bodies kept to emit them); bump on any change.
 */
export const PACK_FORMAT = 3;

/** A packed CompiledCode. */
export interface Packed {
  text: string;
  bin: Uint8Array;
}

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_UINT = 4;
const T_NINT = 5;
const T_F64 = 6;
const T_BIGINT = 7;
const T_NBIGINT = 8;
const T_STRING = 9;
const T_ARRAY = 10;
const T_HOLE = 11;
const T_SHAPE = 12;
const T_OBJECT = 13;
const T_U8 = 14;
const T_TYPED = 15;
const T_REF = 16;

/** Typed-array kinds other than Uint8Array (T_TYPED), by constructor name. */
const typedKinds = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
type TypedKind = (typeof typedKinds)[number];

/** Strings at most this long are interned (one copy in `text` for every use). */
const INTERN_MAX = 64;

/** Arrays of at least this many elements, typed arrays of at least this many bytes, keep their identity. */
const TRACK_MIN = 16;

/** Deepest nesting packed (deeper, or a cycle through untracked objects: TypeError). */
const MAX_DEPTH = 256;

class Writer {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned LEB128 of a safe non-negative integer. */
  uint(n: number): void {
    this.reserve(8);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  f64(n: number): void {
    this.scratch.setFloat64(0, n, true);
    this.bytes(new Uint8Array(this.scratch.buffer));
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function kindOfTypedArray(v: ArrayBufferView): TypedKind | 'Uint8Array' | undefined {
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  if (tag === 'Uint8Array') return tag;
  return (typedKinds as readonly string[]).includes(tag) ? (tag as TypedKind) : undefined;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return Object.prototype.toString.call(v);
  return typeof v;
}

/** The factory source of `code`: its own if it has one, else built now. */
export function factorySourceOf(code: CompiledCode): string {
  return code.factorySource ?? buildFactorySource(code.module, code.env, code.sources);
}

/**
 * Packs `code`. `factory` is its factory source (`factorySourceOf(code)`);
 * passed in so that a caller that keeps the result can also keep it.
 */
export function pack(code: CompiledCode, factory: string = factorySourceOf(code)): Packed {
  return packWithSources(code, factory).packed;
}

/**
 * `pack`, and `code.sources` again as slices of the packed `text` (equal
 * strings sharing its storage): a caller that keeps the packed form can
 * drop the original strings.
 */
export function packWithSources(
  code: CompiledCode,
  factory: string = factorySourceOf(code),
): { packed: Packed; sources: (string | undefined)[] } {
  const w = new Writer();
  const textParts: string[] = [factory];
  let textLength = factory.length;
  const interned = new Map<string, number>();
  const seen = new Map<object, number>();
  const shapes = new Map<string, number>();
  const lastShape = new Map<string | undefined, { keys: string[]; nullProto: boolean; id: number }>();

  function addText(s: string): number {
    const start = textLength;
    textParts.push(s);
    textLength += s.length;
    return start;
  }

  function string(s: string): void {
    let start: number | undefined;
    if (s.length <= INTERN_MAX) {
      start = interned.get(s);
      if (start === undefined) {
        start = addText(s);
        interned.set(s, start);
      }
    } else {
      start = addText(s);
    }
    w.uint(start);
    w.uint(s.length);
  }

  function value(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        w.byte(T_UNDEFINED);
        return;
      case 'boolean':
        w.byte(v ? T_TRUE : T_FALSE);
        return;
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          w.byte(v >= 0 ? T_UINT : T_NINT);
          w.uint(v >= 0 ? v : -v);
        } else {
          w.byte(T_F64);
          w.f64(v);
        }
        return;
      case 'bigint':
        w.byte(v >= 0n ? T_BIGINT : T_NBIGINT);
        string((v >= 0n ? v : -v).toString(16));
        return;
      case 'string':
        w.byte(T_STRING);
        string(v);
        return;
      case 'object':
        if (v === null) {
          w.byte(T_NULL);
          return;
        }
        object(v);
        return;
      default:
        throw new TypeError(`cannot pack a ${typeof v}: compiled code is plain data`);
    }
  }

  /** A reference when `o` (tracked) was packed before; else remembers it. */
  function seenBefore(o: object): boolean {
    const ref = seen.get(o);
    if (ref !== undefined) {
      w.byte(T_REF);
      w.uint(ref);
      return true;
    }
    seen.set(o, seen.size);
    return false;
  }

  let depth = 0;
  function object(o: object): void {
    if (++depth > MAX_DEPTH) throw new TypeError(`cannot pack: nested deeper than ${MAX_DEPTH} (or cyclic)`);
    objectAt(o);
    depth--;
  }

  function objectAt(o: object): void {
    if (Array.isArray(o)) {
      if (Object.getPrototypeOf(o) !== Array.prototype) throw new TypeError(`cannot pack ${describe(o)}`);
      const n = o.length;
      if (n >= TRACK_MIN && seenBefore(o)) return;
      w.byte(T_ARRAY);
      w.uint(n);
      for (let i = 0; i < n; i++) {
        if (i in o) value(o[i]);
        else w.byte(T_HOLE);
      }
      return;
    }
    if (ArrayBuffer.isView(o)) {
      const kind = o instanceof Uint8Array ? 'Uint8Array' : kindOfTypedArray(o);
      if (kind === undefined) throw new TypeError(`cannot pack ${describe(o)}`);
      if (o.byteLength >= TRACK_MIN && seenBefore(o)) return;
      const bytes = o instanceof Uint8Array ? o : new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      if (kind === 'Uint8Array') {
        w.byte(T_U8);
      } else {
        w.byte(T_TYPED);
        w.byte(typedKinds.indexOf(kind));
      }
      w.uint(bytes.length);
      w.bytes(bytes);
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`cannot pack ${describe(o)}`);
    const keys = Object.keys(o);
    const nullProto = proto === null;
    // Most objects have the shape of the last object with the same first key: compare keys, no hashing.
    const hint = lastShape.get(keys[0]);
    let shape: number | undefined;
    if (hint !== undefined && hint.nullProto === nullProto && sameKeys(hint.keys, keys)) {
      shape = hint.id;
    } else {
      const signature = (nullProto ? '\u0001' : '\u0000') + keys.join('\u0000');
      shape = shapes.get(signature);
      if (shape === undefined) {
        shape = shapes.size;
        shapes.set(signature, shape);
        w.byte(T_SHAPE);
        w.byte(nullProto ? 1 : 0);
        w.uint(keys.length);
        for (const k of keys) string(k);
        lastShape.set(keys[0], { keys, nullProto, id: shape });
        const record = o as Record<string, unknown>;
        for (const k of keys) value(record[k]);
        return;
      }
      lastShape.set(keys[0], { keys, nullProto, id: shape });
    }
    w.byte(T_OBJECT);
    w.uint(shape);
    const record = o as Record<string, unknown>;
    for (const k of keys) value(record[k]);
  }

  // Where each source is in the factory: one after the other, a separator
  // apart (the first one after the prelude).
  const { sources, factorySource: _factory, ...rest } = code;
  const refs: number[] = [];
  let cursor = 0;
  for (let i = 0; i < sources.length; i++) {
    const src = sources[i];
    if (src === undefined) {
      // Not emitted yet: the receiver emits it from the bodies (`CompiledCode.bodies`).
      refs.push(0, 0);
      continue;
    }
    if (typeof src !== 'string') throw new TypeError(`cannot pack: sources[${i}] is not a string`);
    // substring + === compares far faster in V8 than startsWith on long strings.
    let at = -1;
    if (factory.substring(cursor, cursor + src.length) === src) at = cursor;
    else if (factory.substring(cursor + 1, cursor + 1 + src.length) === src) at = cursor + 1;
    else if (i === 0) at = factory.indexOf(src);
    if (at < 0) {
      refs.push(addText(src), src.length);
    } else {
      refs.push(at, src.length);
      cursor = at + src.length;
    }
  }
  w.uint(factory.length);
  w.uint(sources.length);
  for (const n of refs) w.uint(n);
  value(rest);
  const text = textParts.length === 1 ? factory : textParts.join('');
  const slices: (string | undefined)[] = new Array(sources.length);
  for (let i = 0; i < sources.length; i++)
    slices[i] =
      refs[2 * i + 1] === 0 ? undefined : text.substring(refs[2 * i], refs[2 * i] + refs[2 * i + 1]);
  return { packed: { text, bin: w.buf.slice(0, w.pos) }, sources: slices };
}

/** A packed form that does not decode: a TypeError (its message is completed by the caller). */
function malformed(why: string): TypeError {
  return new TypeError(`malformed packed module (${why})`);
}

/**
 * The CompiledCode of a packed form. `bin` must belong to the caller from now
 * on: byte arrays of the code (data segments, custom sections) are views of it.
 * Throws a TypeError on anything that is not a well-formed packed form.
 */
export function unpack({ text, bin }: Packed): CompiledCode {
  let pos = 0;
  const end = bin.length;
  const objects: object[] = [];
  const shapes: { keys: string[]; nullProto: boolean }[] = [];
  const scratch = new DataView(new ArrayBuffer(8));
  let depth = 0;

  function byte(): number {
    if (pos >= end) throw malformed('unexpected end');
    return bin[pos++];
  }

  function uint(): number {
    let b = byte();
    if (b < 0x80) return b;
    let n = b & 0x7f;
    let scale = 0x80;
    do {
      b = byte();
      n += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b >= 0x80);
    if (n > Number.MAX_SAFE_INTEGER) throw malformed('integer too large');
    return n;
  }

  function string(): string {
    const start = uint();
    const length = uint();
    if (start + length > text.length) throw malformed('string out of range');
    return text.substring(start, start + length);
  }

  function rawBytes(length: number): Uint8Array {
    if (length > end - pos) throw malformed('unexpected end');
    const view = bin.subarray(pos, pos + length);
    pos += length;
    return view;
  }

  function value(): unknown {
    const tag = byte();
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_UINT:
        return uint();
      case T_NINT:
        return -uint();
      case T_F64: {
        const b = rawBytes(8);
        for (let i = 0; i < 8; i++) scratch.setUint8(i, b[i]);
        return scratch.getFloat64(0, true);
      }
      case T_BIGINT:
      case T_NBIGINT: {
        const digits = string();
        if (!/^[0-9a-f]+$/.test(digits)) throw malformed('bad bigint');
        const v = BigInt(`0x${digits}`);
        return tag === T_BIGINT ? v : -v;
      }
      case T_STRING:
        return string();
      case T_ARRAY: {
        const n = uint();
        if (n > end - pos) throw malformed('array longer than the input');
        const a: unknown[] = new Array(n);
        if (n >= TRACK_MIN) objects.push(a);
        if (++depth > MAX_DEPTH) throw malformed('nested too deeply');
        for (let i = 0; i < n; i++) {
          if (bin[pos] === T_HOLE) pos++;
          else a[i] = value();
        }
        depth--;
        return a;
      }
      case T_SHAPE: {
        const nullProto = byte() === 1;
        const n = uint();
        if (n > end - pos) throw malformed('shape longer than the input');
        const keys: string[] = [];
        for (let i = 0; i < n; i++) keys.push(string());
        shapes.push({ keys, nullProto });
        return fill(shapes.length - 1);
      }
      case T_OBJECT: {
        const id = uint();
        if (id >= shapes.length) throw malformed('unknown shape');
        return fill(id);
      }
      case T_U8: {
        const v = rawBytes(uint());
        if (v.length >= TRACK_MIN) objects.push(v);
        return v;
      }
      case T_TYPED: {
        const kind = typedKinds[byte()];
        if (kind === undefined) throw malformed('unknown typed array kind');
        const b = rawBytes(uint());
        const Ctor = globalThis[kind] as unknown as new (buffer: ArrayBuffer) => ArrayBufferView;
        const bytesPer = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
        if (b.length % bytesPer !== 0) throw malformed('typed array length');
        const v = new Ctor(b.slice().buffer as ArrayBuffer);
        if (b.length >= TRACK_MIN) objects.push(v);
        return v;
      }
      case T_REF: {
        const id = uint();
        if (id >= objects.length) throw malformed('reference to an unknown array');
        return objects[id];
      }
      default:
        throw malformed(`unknown tag ${tag}`);
    }
  }

  function fill(shapeId: number): object {
    const { keys, nullProto } = shapes[shapeId];
    const o: Record<string, unknown> = nullProto ? Object.create(null) : {};
    if (++depth > MAX_DEPTH) throw malformed('nested too deeply');
    for (let i = 0; i < keys.length; i++) o[keys[i]] = value();
    depth--;
    return o;
  }

  const factoryLength = uint();
  if (factoryLength > text.length) throw malformed('factory source out of range');
  const count = uint();
  if (count > end - pos) throw malformed('more sources than the input holds');
  const sources: (string | undefined)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = uint();
    const length = uint();
    if (start + length > text.length) throw malformed('source out of range');
    sources[i] = length === 0 ? undefined : text.substring(start, start + length);
  }
  const rest = value();
  if (pos !== end) throw malformed(`${end - pos} bytes left over`);
  if (typeof rest !== 'object' || rest === null || Array.isArray(rest)) throw malformed('not an object');
  const code = rest as CompiledCode & Record<string, unknown>;
  if (
    typeof code.module !== 'object' ||
    code.module === null ||
    typeof code.env !== 'object' ||
    code.env === null
  )
    throw malformed('no module or env');
  if (!code.bodies && sources.includes(undefined))
    throw malformed('sources missing and no bodies to emit them from');
  code.sources = sources;
  if (factoryLength > 0) code.factorySource = text.substring(0, factoryLength);
  return code;
}
