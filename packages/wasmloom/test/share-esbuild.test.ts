/**
 * The figures for sharing a big module: esbuild-wasm's 14 MB esbuild.wasm
 * (5,307 functions, 86 MB of generated JS, 98,450 data segments), compiled
 * here, posted to a worker thread, instantiated there; and its cache blob.
 *
 *   npx vitest run packages/wasmloom/test/share-esbuild.test.ts
 *
 * prints a table (see benchmarks/README.md). The worker gets a 64 MB stack:
 * V8's parser needs more than the default to take esbuild's deeply nested
 * factory source (packages/realworld README, known issues).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebAssembly,
  deserializeModule,
  moduleStats,
  serializeModule,
  WebAssembly as W,
} from 'wasmloom';
import { SHARED_KEY } from '../src/shared-form.js';
import { ensureBuilt, root, type ShareWorker, startShareWorker } from './share-helpers.js';

function esbuildWasm(): Uint8Array {
  const require = createRequire(join(root, 'benchmarks', 'package.json'));
  return readFileSync(join(dirname(require.resolve('esbuild-wasm/package.json')), 'esbuild.wasm'));
}

const rows: [string, string][] = [];
const ms = (t: number) => `${t.toFixed(0)} ms`;

describe('esbuild-wasm (14 MB): sharing instead of compiling', () => {
  let worker: ShareWorker;
  let bytes: Uint8Array;
  let module: object;
  let compileMs: number;
  beforeAll(async () => {
    ensureBuilt();
    worker = await startShareWorker({ stackSizeMb: 64 });
    bytes = esbuildWasm();
    // One thread, as a worker that compiled for itself would: the cost sharing saves.
    const t = performance.now();
    module = await createWebAssembly({ workers: 0 }).compile(bytes);
    compileMs = performance.now() - t;
    rows.push(['compile (createWebAssembly({ workers: 0 }).compile)', ms(compileMs)]);
  }, 300_000);
  afterAll(async () => {
    await worker?.terminate();
    console.log(
      `esbuild-wasm, ${(bytes.length / 1e6).toFixed(1)} MB:\n${rows.map(([k, v]) => `  ${k.padEnd(58)} ${v}`).join('\n')}`,
    );
  });

  it('is posted to a worker and instantiated there, compiling nothing, far faster than compiling', async () => {
    let t = performance.now();
    const map = (module as Record<string, Map<string, unknown>>)[SHARED_KEY]; // packs (once)
    rows.push(['pack (first read of the shared property; kept)', ms(performance.now() - t)]);
    rows.push([
      'packed size: text (chars) + bin (bytes)',
      `${(map.get('text') as string).length.toLocaleString('en')} + ${(map.get('bin') as Uint8Array).length.toLocaleString('en')}`,
    ]);
    t = performance.now();
    structuredClone(module);
    rows.push(['structuredClone(module) (packed already)', ms(performance.now() - t)]);

    t = performance.now();
    const timing = await worker.call<{ adopt: number; first: number; second: number; exports: number }>(
      'timeInstantiate',
      { module },
    );
    const roundTrip = performance.now() - t;
    rows.push(['worker: adopt the clone (unpack) = Module.exports()', ms(timing.adopt)]);
    rows.push(['worker: first new Instance (V8 parses the factory source)', ms(timing.first)]);
    rows.push(['worker: second new Instance', ms(timing.second)]);
    rows.push(['postMessage → instantiated twice → answer', ms(roundTrip)]);
    expect(timing.exports).toBe(W.Module.exports(module).length);
    expect((await worker.call<{ compiled: number }>('stats')).compiled).toBe(0);
    // Receiving (clone + unpack) is more than 5 times cheaper than compiling.
    expect(timing.adopt).toBeLessThan(compileMs / 5);
  }, 300_000);

  it('caches: serialize and deserialize, and the blob is rejected when corrupted', () => {
    let t = performance.now();
    const blob = serializeModule(module);
    rows.push(['serializeModule', `${ms(performance.now() - t)}, ${(blob.length / 1e6).toFixed(1)} MB`]);
    const before = moduleStats();
    t = performance.now();
    const back = deserializeModule(blob);
    const deserializeMs = performance.now() - t;
    rows.push(['deserializeModule (CRC-32, UTF-8 decode, unpack)', ms(deserializeMs)]);
    expect(moduleStats().compiled).toBe(before.compiled);
    expect(W.Module.exports(back)).toEqual(W.Module.exports(module));
    expect(deserializeMs).toBeLessThan(compileMs / 5);
    blob[blob.length >> 1] ^= 0x20;
    expect(() => deserializeModule(blob)).toThrow(/checksum mismatch/);
  }, 300_000);
});
