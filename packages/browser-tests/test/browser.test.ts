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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const JITLESS_BIG = process.env.JITLESS_BIG ?? '/sql-wasm.wasm';

interface PageResult {
  error?: string;
  engine: string;
  /** typeof globalThis.WebAssembly in the page before anything ran. */
  nativeWebAssembly: string;
  timings: Record<string, number>;
  bigExports: unknown[];
  compileWorkers: number;
  mainStats: { compiled: number; received: number; deserialized: number } | null;
  posted: {
    shape: { keys: string[]; plain: boolean } | null;
    bigExports: unknown[];
    rows: unknown[];
    stats: { compiled: number; received: number } | null;
    nativeWebAssembly: string;
  };
  comlink: {
    isModule: boolean;
    exports: number;
    stats: { compiled: number; received: number } | null;
    returned: boolean | null;
  };
  cache: { bytes: number; rows: unknown[]; compiled: number; rejected: string | null } | null;
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with its own profile; `close` removes the profile too. */
async function launch(extraArgs: string[]): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'wasmloom-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!haveChromium)('wasmloom in headless Chromium', () => {
  let server: Served;
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  let jitless: Awaited<ReturnType<typeof launch>> | undefined;
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
    browser = await launch([]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await jitless?.close();
    await server?.close();
    const lines = Object.entries(results).map(
      ([name, r]) =>
        `  ${name.padEnd(17)} ${Object.entries(r.timings ?? {})
          .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
          .join(', ')}`,
    );
    if (lines.length > 0) console.log(`Chromium timings:\n${lines.join('\n')}`);
  });

  async function run(
    context: BrowserContext,
    name: string,
    engine: 'native' | 'wasmloom',
    query = '',
  ): Promise<PageResult> {
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.setDefaultTimeout(280_000);
    try {
      await page.goto(`${server.origin}/?engine=${engine}${query}`);
      const result = (await page.evaluate(
        () => (window as unknown as { result: Promise<unknown> }).result,
      )) as PageResult;
      if (result.error) throw new Error(`${name} page failed: ${result.error}\nconsole:\n${log.join('\n')}`);
      results[name] = result;
      return result;
    } finally {
      await page.close();
    }
  }

  /** What every wasmloom run must show, against the native run's results. */
  function expectWasmloomRun(r: PageResult, bigExports: unknown[]): void {
    const native = results.native;
    expect(native, 'the native run must pass first').toBeDefined();

    // compileStreaming of the big module went to the compile pool's Web Workers.
    expect.soft(r.compileWorkers).toBeGreaterThan(0);
    expect.soft(r.bigExports).toEqual(bigExports);
    expect.soft(r.mainStats?.compiled).toBe(2);

    // postMessage: the worker took the clones as they are, compiling nothing, and ran sql.js.
    expect.soft(r.posted.shape).toEqual({ keys: ['wasmloom.module'], plain: true });
    expect.soft(r.posted.bigExports).toEqual(bigExports);
    expect.soft(r.posted.stats).toMatchObject({ compiled: 0, received: 2, deserialized: 0 });
    expect.soft(r.posted.rows).toEqual(native.posted.rows);

    // comlink: a real Module on the other side, both ways, nothing compiled for it.
    expect.soft(r.comlink.isModule).toBe(true);
    expect.soft(r.comlink.exports).toBe(native.comlink.exports);
    expect.soft(r.comlink.stats).toMatchObject({ compiled: 0, received: 1, deserialized: 0 });
    expect.soft(r.comlink.returned).toBe(true);

    // IndexedDB cache: deserialized without compiling, same rows; a corrupted blob is rejected.
    expect.soft(r.cache?.compiled).toBe(0);
    expect.soft(r.cache?.rows).toEqual(native.posted.rows);
    expect.soft(r.cache?.rejected).toMatch(/^TypeError: deserializeModule\(\): checksum mismatch/);
  }

  it('native WebAssembly: the reference run', async () => {
    const r = await run(browser!.context, 'native', 'native');
    expect(r.nativeWebAssembly).toBe('object');
    expect(r.bigExports.length).toBeGreaterThan(0);
    expect(r.posted.rows).toHaveLength(3);
    expect(r.comlink.isModule).toBe(true);
  }, 300_000);

  it('wasmloom, native WebAssembly deleted: compiles on Web Workers, shares modules, runs sql.js as native does', async () => {
    const r = await run(browser!.context, 'wasmloom', 'wasmloom');
    expectWasmloomRun(r, results.native.bigExports);
  }, 300_000);

  // V8 without its JIT has no WebAssembly at all: the closest a test gets to
  // Safari's Lockdown Mode. The pool compiles sql.js's module there (esbuild's
  // would take minutes interpreted); its exports are checked against Node's.
  it('wasmloom in Chromium --js-flags=--jitless (no JIT, no native WebAssembly in page or workers): the same', async () => {
    jitless = await launch(['--js-flags=--jitless']);
    const r = await run(jitless.context, 'wasmloom --jitless', 'wasmloom', `&big=${JITLESS_BIG}`);
    expect(r.nativeWebAssembly).toBe('undefined');
    expect(r.posted.nativeWebAssembly).toBe('undefined');
    const sqlExports = WebAssembly.Module.exports(
      new WebAssembly.Module(readFileSync(join(sqlJsDist, 'sql-wasm.wasm'))),
    );
    expectWasmloomRun(r, JITLESS_BIG === '/sql-wasm.wasm' ? sqlExports : results.native.bigExports);
  }, 300_000);
});

if (!haveChromium) {
  it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`, () => {});
}
