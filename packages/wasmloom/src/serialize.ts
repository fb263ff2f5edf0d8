/**
 * A cache format for compiled modules: `serializeModule(module)` gives bytes
 * to keep on disk or in IndexedDB, `deserializeModule(bytes)` a Module that
 * runs without compiling. The bytes hold JS source that wasmloom runs: load
 * only caches you wrote yourself (the checksum catches accidents, not
 * attacks).
 *
 * Layout (integers little-endian):
 *
 *     offset  size
 *     0       8     magic 89 57 4C 4D 0D 0A 1A 0A  ("\x89WLM\r\n\x1a\n")
 *     8       4     format (u32) = PACK_FORMAT (2)
 *     12      4     bin length B (u32)
 *     16      4     text length T in UTF-8 bytes (u32)
 *     20      1     version length V
 *     21      V     wasmloom version (ASCII), e.g. "0.1.0"
 *     21+V    B     bin  } the packed CompiledCode (pack.ts)
 *     21+V+B  T     text }
 *     end-4   4     CRC-32 (u32, IEEE) of every byte before it
 *
 * Every rejection is a TypeError whose message says why: not a wasmloom
 * cache (magic), another format, truncated or too long, checksum mismatch
 * (corrupted), another wasmloom version. Treat any of them as a cache miss:
 * compile again and write a new cache.
 */
import { crc32 } from './crc32.js';
import { emitAll } from './emit.js';
import { defaultModuleClass, makeModule, moduleCounters, moduleState } from './module.js';
import { PACK_FORMAT, type Packed, unpack } from './pack.js';
import { packedOf, rememberPacked } from './shared-form.js';
import type { BufferSourceLike, Module, ModuleConstructor } from './types.js';
import { VERSION } from './version.js';

const MAGIC = [0x89, 0x57, 0x4c, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a];
const FIXED = 21;
const U32_MAX = 0xffffffff;

/**
 * The cache bytes of a wasmloom Module (or of a Module's clone), with every
 * function's source (those not emitted yet are emitted now). Packs the module
 * once (the same packed form `postMessage` sends).
 */
export function serializeModule(module: Module): Uint8Array {
  const { code } = moduleState(module, 'serializeModule()');
  emitAll(code);
  const { text, bin } = packedOf(code);
  const version = new TextEncoder().encode(VERSION);
  const head = FIXED + version.length;
  // Sources are ASCII: write the text straight into the blob, re-encode only when it is not.
  let out = new Uint8Array(head + bin.length + text.length + 4);
  let { read, written } = new TextEncoder().encodeInto(text, out.subarray(head + bin.length, out.length - 4));
  if (read !== text.length || written !== text.length) {
    const utf8 = new TextEncoder().encode(text);
    out = new Uint8Array(head + bin.length + utf8.length + 4);
    out.set(utf8, head + bin.length);
    read = text.length;
    written = utf8.length;
  }
  if (bin.length > U32_MAX || written > U32_MAX) throw new RangeError('serializeModule(): module too large');
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, PACK_FORMAT, true);
  view.setUint32(12, bin.length, true);
  view.setUint32(16, written, true);
  out[20] = version.length;
  out.set(version, FIXED);
  out.set(bin, head);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function bytesOf(source: unknown): Uint8Array {
  if (source instanceof ArrayBuffer || Object.prototype.toString.call(source) === '[object ArrayBuffer]')
    return new Uint8Array(source as ArrayBuffer);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError('deserializeModule(): Argument 0 must be an ArrayBuffer or a view of one');
}

function reject(why: string): TypeError {
  return new TypeError(`deserializeModule(): ${why}`);
}

/** Reads the frame of a cache blob: its packed CompiledCode (copied out of `bytes`), or a TypeError. */
export function readCache(bytes: Uint8Array): Packed {
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= bytes.length) throw reject(`truncated: ${bytes.length} bytes, not even the header`);
    if (bytes[i] !== MAGIC[i]) throw reject('not a wasmloom module cache (bad magic)');
  }
  if (bytes.length < FIXED) throw reject(`truncated: ${bytes.length} bytes, not even the header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== PACK_FORMAT) {
    throw reject(
      `cache format ${format}, this wasmloom (${VERSION}) reads format ${PACK_FORMAT} (or the blob is corrupted)`,
    );
  }
  const binLength = view.getUint32(12, true);
  const textLength = view.getUint32(16, true);
  const versionLength = bytes[20];
  const expected = FIXED + versionLength + binLength + textLength + 4;
  if (bytes.length < expected) throw reject(`truncated: ${bytes.length} of ${expected} bytes`);
  if (bytes.length > expected) throw reject(`${bytes.length - expected} bytes after the end of the cache`);
  const stored = view.getUint32(expected - 4, true);
  const actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) {
    throw reject(
      `checksum mismatch: the cache is corrupted (CRC-32 ${actual.toString(16).padStart(8, '0')}, stored ${stored.toString(16).padStart(8, '0')})`,
    );
  }
  const version = new TextDecoder().decode(bytes.subarray(FIXED, FIXED + versionLength));
  if (version !== VERSION) {
    throw reject(`written by wasmloom ${version}; this is wasmloom ${VERSION}, which cannot run its code`);
  }
  const binStart = FIXED + versionLength;
  const textStart = binStart + binLength;
  let text: string;
  try {
    // ignoreBOM: a leading U+FEFF belongs to the text.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(textStart, textStart + textLength),
    );
  } catch {
    throw reject('malformed: the text is not UTF-8');
  }
  // A copy: the module keeps views of `bin` (data segments); the caller may reuse its buffer.
  return { text, bin: bytes.slice(binStart, textStart) };
}

/**
 * A Module (of `Module`, by default wasmloom's default namespace's) from
 * bytes made by `serializeModule`, compiling nothing. The bytes are read
 * during the call only. TypeError on anything else (see the layout above).
 */
export function deserializeModule(
  bytes: BufferSourceLike,
  Module: ModuleConstructor = defaultModuleClass(),
): Module {
  const packed = readCache(bytesOf(bytes));
  let code: ReturnType<typeof unpack>;
  try {
    code = unpack(packed);
  } catch (e) {
    throw reject(`malformed: ${(e as Error).message}`);
  }
  rememberPacked(code, packed);
  moduleCounters.deserialized++;
  return makeModule(Module, code.env.features, code) as Module;
}
