/** Element segments in the compact form (binary element-segments.ts) cost a few bytes each, not an object each. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const binaryDist = new URL('../dist/index.js', import.meta.url).href;

/** Peak RSS in MB of a fresh node running `script` (an ES module; `bytes` is the module to validate). */
function peakRss(script: string, segments: number): number {
  const prelude = `
    const leb = (v) => { const o = []; do { o.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0)); v >>>= 7; } while (v); return o; };
    const n = ${segments};
    const count = leb(n);
    const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 4, 4, 1, 0x70, 0, 0, 9, ...leb(count.length + n * 5), ...count];
    const bytes = new Uint8Array(head.length + n * 5);
    bytes.set(head);
    for (let i = 0, p = head.length; i < n; i++, p += 5) bytes.set([0, 0x41, 0, 0x0b, 0], p);
  `;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `${prelude}${script}; console.log(process.resourceUsage().maxRSS / 1024)`],
    { encoding: 'utf8' },
  );
  return Number(out.trim().split('\n').pop());
}

describe('element segments in the compact form', () => {
  it('validates 1,000,000 empty active segments in at most twice the peak memory of native', () => {
    const n = 1_000_000;
    const native = peakRss('if (!WebAssembly.validate(bytes)) throw new Error("invalid")', n);
    const loom = peakRss(
      `const { parseModule } = await import(${JSON.stringify(binaryDist)});
       globalThis.parsed = parseModule(bytes)`,
      n,
    );
    // Before: ~300 bytes a segment, 411 MB against native's 87 MB.
    expect(loom).toBeLessThan(2 * native);
  });
});
