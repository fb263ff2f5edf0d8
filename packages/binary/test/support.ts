/** Shared by the opcode and operator-reader tests: every feature on, the spec suite's path, LEB128 encoders. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURES, type Features } from '../src/index.js';

export const ALL: Features = Object.fromEntries(
  Object.keys(DEFAULT_FEATURES).map((k) => [k, true]),
) as unknown as Features;

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const testsuite = process.env.WASMLOOM_TESTSUITE ?? resolve(repoRoot, '../shared/testsuite');

export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
