/** Deterministic test data (xorshift32), the same in every process and engine. */

export function randomBytes(length, seed = 0x9e3779b9) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const WORDS = (
  'the of and to in is was that for on with as by at from his her which or an be this had not are but they ' +
  'wasm module memory table global instance export import function stream compile worker thread parse ' +
  'byte offset section body validate emit source closure runtime trap error value type result'
).split(' ');

/** Text made of words picked by the same generator: compressible like prose. */
export function text(length, seed = 12345) {
  const r = randomBytes(Math.ceil(length / 3), seed);
  const parts = [];
  let n = 0;
  for (let i = 0; n < length; i++) {
    const w = WORDS[r[i % r.length] % WORDS.length];
    const sep = r[(i * 7) % r.length] % 17 === 0 ? '.\n' : ' ';
    parts.push(w, sep);
    n += w.length + sep.length;
  }
  return parts.join('').slice(0, length);
}
