/** The portable strict UTF-8 decoder (used where the engine has no TextDecoder) against TextDecoder's fatal mode. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Portable } from '../src/utf8.js';

const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** TextDecoder's answer: the string, or null when it rejects the bytes. */
function expected(bytes: Uint8Array): string | null {
  try {
    return reference.decode(bytes);
  } catch {
    return null;
  }
}

function actual(bytes: Uint8Array): string | null {
  try {
    return decodeUtf8Portable(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return null;
  }
}

describe('decodeUtf8Portable', () => {
  it('decodes every well-formed string as TextDecoder does (BOM kept, astral planes, long text)', () => {
    for (const s of ['', 'abc', '\uFEFFname', 'é', '€', '\u{10FFFF}', '😀x', 'ž'.repeat(5000)]) {
      expect(decodeUtf8Portable(new TextEncoder().encode(s))).toBe(s);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => {
        expect(decodeUtf8Portable(new TextEncoder().encode(s))).toBe(s);
      }),
    );
  });

  it('rejects what TextDecoder rejects: overlongs, surrogates, > U+10FFFF, truncated and stray bytes', () => {
    for (const bad of [
      [0xc0, 0x80], // overlong NUL
      [0xc1, 0xbf],
      [0xe0, 0x9f, 0xbf], // overlong 3-byte
      [0xed, 0xa0, 0x80], // U+D800
      [0xf0, 0x8f, 0xbf, 0xbf], // overlong 4-byte
      [0xf4, 0x90, 0x80, 0x80], // U+110000
      [0xf5, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x82], // truncated €
      [0x61, 0xe2, 0x28, 0xa1],
    ]) {
      const bytes = new Uint8Array(bad);
      expect(expected(bytes), bad.join(',')).toBeNull();
      expect(() => decodeUtf8Portable(bytes)).toThrow(TypeError);
    }
  });

  it('agrees with TextDecoder on arbitrary bytes', () => {
    // Bytes biased towards the lead and continuation ranges, where the edge cases are.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.constantFrom(0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (list) => {
        const bytes = new Uint8Array(list);
        expect(actual(bytes)).toBe(expected(bytes));
      }),
      { numRuns: 20_000 },
    );
  });
});
