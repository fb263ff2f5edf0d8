/**
 * wasmloom's browser build (packages/wasmloom/dist-browser) in headless
 * Chromium, driven by playwright-core, on pages served by a tiny server on
 * localhost. The same page runs twice: with the browser's own WebAssembly
 * (the reference), and with it deleted and wasmloom's polyfill installed.
 * See ../pages/page.js for the scenario.
 *
 * Needs Debian's chromium at /usr/bin/chromium (CI installs it:
 * `apt-get install -y --no-install-recommends chromium`); skipped, saying so,
 * when it is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, sqlJsDir as sqlJsDist } from '../../wasmloom/test/share-helpers.js';
import { ensureBundled } from './bundle.js';
import { type Served, serve } from './server.js';

const CHROMIUM = process.env.WASMLOOM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `browser tests SKIPPED: no Chromium at ${CHROMIUM} ` +
      '(apt-get install -y --no-install-recommends chromium, or set WASMLOOM_CHROMIUM)',
  );
}

const here = dirname(fileURLToPath(import.meta.url));
const distBrowser = join(root, 'packages', 'wasmloom', 'dist-browser');
const esbuildWasm = join(root, 'benchmarks', 'node_modules', 'esbuild-wasm', 'esbuild.wasm');

interface PageResult {
  error?: string;
  engine: string;
  timings: Record<string, number>;
  bigExports: unknown[];
  compileWorkers: number;
  mainStats: { compiled: number; received: number; deserialized: number } | null;
  posted: {
    shape: { keys: string[]; plain: boolean } | null;
    bigExports: unknown[];
    rows: unknown[];
    stats: { compiled: number; received: number } | null;
  };
  comlink: {
    isModule: boolean;
    exports: number;
    stats: { compiled: number; received: number } | null;
    returned: boolean | null;
  };
  cache: { bytes: number; rows: unknown[]; compiled: number; rejected: string | null } | null;
}

describe.skipIf(!haveChromium)('wasmloom in headless Chromium', () => {
  let server: Served;
  let context: BrowserContext;
  let userDataDir: string;
  const results: Record<string, PageResult> = {};

  beforeAll(async () => {
    ensureBundled();
    server = await serve(
      {
        '/': join(here, '..', 'pages', 'index.html'),
        '/big.wasm': esbuildWasm,
        '/sql-wasm.js': join(sqlJsDist, 'sql-wasm.js'),
        '/sql-wasm.wasm': join(sqlJsDist, 'sql-wasm.wasm'),
      },
      { '/wasmloom/': distBrowser, '/': join(here, '..', 'pages') },
    );
    userDataDir = mkdtempSync(join(tmpdir(), 'wasmloom-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    const lines = Object.values(results).map(
      (r) =>
        `  ${r.engine.padEnd(9)} ${Object.entries(r.timings ?? {})
          .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
          .join(', ')}`,
    );
    if (lines.length > 0) console.log(`Chromium timings:\n${lines.join('\n')}`);
  });

  async function run(engine: 'native' | 'wasmloom'): Promise<PageResult> {
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.setDefaultTimeout(280_000);
    try {
      await page.goto(`${server.origin}/?engine=${engine}`);
      const result = (await page.evaluate(
        () => (window as unknown as { result: Promise<unknown> }).result,
      )) as PageResult;
      if (result.error)
        throw new Error(`${engine} page failed: ${result.error}\nconsole:\n${log.join('\n')}`);
      results[engine] = result;
      return result;
    } finally {
      await page.close();
    }
  }

  it('native WebAssembly: the reference run', async () => {
    const r = await run('native');
    expect(r.bigExports.length).toBeGreaterThan(0);
    expect(r.posted.rows).toHaveLength(3);
    expect(r.comlink.isModule).toBe(true);
  }, 300_000);

  it('wasmloom, native WebAssembly deleted: compiles on Web Workers, shares modules, runs sql.js as native does', async () => {
    const r = await run('wasmloom');
    const native = results.native;
    expect(native, 'the native run must pass first').toBeDefined();

    // compileStreaming of the 14 MB module went to the compile pool's Web Workers.
    expect.soft(r.compileWorkers).toBeGreaterThan(0);
    expect.soft(r.bigExports).toEqual(native.bigExports);
    expect.soft(r.mainStats?.compiled).toBe(2);

    // postMessage: the worker took the clones as they are, compiling nothing, and ran sql.js.
    expect.soft(r.posted.shape).toEqual({ keys: ['wasmloom.module'], plain: true });
    expect.soft(r.posted.bigExports).toEqual(native.bigExports);
    expect.soft(r.posted.stats).toEqual({ compiled: 0, received: 2, deserialized: 0 });
    expect.soft(r.posted.rows).toEqual(native.posted.rows);

    // comlink: a real Module on the other side, both ways, nothing compiled for it.
    expect.soft(r.comlink.isModule).toBe(true);
    expect.soft(r.comlink.exports).toBe(native.comlink.exports);
    expect.soft(r.comlink.stats).toEqual({ compiled: 0, received: 1, deserialized: 0 });
    expect.soft(r.comlink.returned).toBe(true);

    // IndexedDB cache: deserialized without compiling, same rows; a corrupted blob is rejected.
    expect.soft(r.cache?.compiled).toBe(0);
    expect.soft(r.cache?.rows).toEqual(native.posted.rows);
    expect.soft(r.cache?.rejected).toMatch(/^TypeError: deserializeModule\(\): checksum mismatch/);
  }, 300_000);
});

if (!haveChromium) {
  it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`, () => {});
}
