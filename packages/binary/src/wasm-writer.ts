/**
 * The few encoders it takes to write a module in the binary format by hand:
 * LEB128 integers, names, vectors, sections. Wasmloom writes modules only
 * where it needs one of its own (the pool's warm-up module, tests), so these
 * build plain byte arrays and favour clarity over speed.
 */

/** Unsigned LEB128 of a u32. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 of an i32 (any integer JS number within i32 range). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Signed LEB128 of an i64 given as a BigInt (wrapped to 64 bits). */
export function sleb64(v: bigint): number[] {
  let n = BigInt.asIntN(64, v);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A name: its UTF-8 length, then its UTF-8 bytes. */
export function str(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

/** A vector: its count, then its items one after another. */
export function vec(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const item of items) for (const b of item) out.push(b);
  return out;
}

/** A section: its id, its size, its contents. */
export function section(id: number, contents: readonly number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

/** The module: the preamble (magic, version 1) and the sections in order. */
export function wasmModule(...sections: readonly (readonly number[])[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const s of sections) for (const b of s) out.push(b);
  return new Uint8Array(out);
}
