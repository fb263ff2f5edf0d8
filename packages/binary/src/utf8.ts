/**
 * Strict UTF-8 decoding (the spec's names: malformed input is an error, a
 * leading U+FEFF is kept). The engine's TextDecoder where there is one; a
 * checked decoder of our own where there is none (Hermes, some embedded
 * engines), so that loading wasmloom there needs no polyfill.
 */

const native =
  typeof TextDecoder === 'function' ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : null;

/** The text of `bytes`; throws a TypeError (as TextDecoder's fatal mode does) on malformed UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  return native !== null ? native.decode(bytes) : decodeUtf8Portable(bytes);
}

function malformedAt(i: number): TypeError {
  return new TypeError(`malformed UTF-8 at byte ${i}`);
}

/**
 * The decoder behind `decodeUtf8` when the engine has no TextDecoder (exported
 * for the tests, which compare it with TextDecoder). The byte ranges are the
 * Unicode standard's well-formed sequences (table 3-7): no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
export function decodeUtf8Portable(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  const n = bytes.length;
  for (let i = 0; i < n; ) {
    const b0 = bytes[i];
    let cp: number;
    let size: number;
    if (b0 < 0x80) {
      cp = b0;
      size = 1;
    } else {
      // The valid range of the second byte depends on the first; later bytes are 80..BF.
      let lo = 0x80;
      let hi = 0xbf;
      if (b0 >= 0xc2 && b0 <= 0xdf) size = 2;
      else if (b0 >= 0xe0 && b0 <= 0xef) {
        size = 3;
        if (b0 === 0xe0) lo = 0xa0;
        else if (b0 === 0xed) hi = 0x9f;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        size = 4;
        if (b0 === 0xf0) lo = 0x90;
        else if (b0 === 0xf4) hi = 0x8f;
      } else throw malformedAt(i);
      if (i + size > n) throw malformedAt(i);
      const b1 = bytes[i + 1];
      if (b1 < lo || b1 > hi) throw malformedAt(i + 1);
      cp = ((b0 & (0xff >> (size + 1))) << 6) | (b1 & 0x3f);
      for (let k = 2; k < size; k++) {
        const b = bytes[i + k];
        if (b < 0x80 || b > 0xbf) throw malformedAt(i + k);
        cp = (cp << 6) | (b & 0x3f);
      }
    }
    if (cp < 0x10000) units.push(cp);
    else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    i += size;
    // Flush in slices: fromCharCode's argument count is bounded.
    if (units.length >= 4096) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
}
