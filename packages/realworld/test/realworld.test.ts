/**
 * Unmodified npm packages built by four toolchains, run on wasmloom and on
 * Node's native WebAssembly, with byte-identical outputs required:
 *
 * - sql.js (emscripten), esbuild-wasm (Go), hash-wasm (clang),
 *   brotli-wasm (Rust + wasm-bindgen).
 *
 * Each run is a child process (scenarios/run.mjs) whose engine is set by
 * scenarios/engine.mjs through NODE_OPTIONS before any package code runs; for
 * wasmloom the native namespace is deleted first, so nothing can fall back to
 * it, and child processes (esbuild's service) inherit the same engine. This
 * test process keeps native WebAssembly.
 *
 * Needs the built packages: `npx tsc -b packages/wasmloom`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const engineSetup = fileURLToPath(new URL('../scenarios/engine.mjs', import.meta.url));
const runner = fileURLToPath(new URL('../scenarios/run.mjs', import.meta.url));
const wasmloomDist = fileURLToPath(new URL('../../wasmloom/dist/polyfill.js', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'wasmloom-realworld-'));

interface Digest {
  type: string;
  length: number;
  sha256: string;
  value?: string;
}
interface RunResult {
  scenario: string;
  engine: string;
  timings: Record<string, number>;
  digests: Record<string, Digest>;
}
interface Run {
  result?: RunResult;
  error?: string;
  /** "pid engine isWasmloom" for each process that loaded the engine. */
  processes: string[][];
}

function runScenario(scenario: string, engine: 'native' | 'wasmloom'): Promise<Run> {
  const mark = join(workDir, `${scenario}-${engine}.mark`);
  rmSync(mark, { force: true });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [runner, scenario],
      {
        cwd: packageDir,
        // NODE_OPTIONS, not a command-line flag, so that spawned processes get the engine too.
        env: {
          ...process.env,
          NODE_OPTIONS: `--import=${engineSetup}`,
          REALWORLD_ENGINE: engine,
          REALWORLD_MARK: mark,
        },
        maxBuffer: 64 << 20,
        timeout: 600_000,
      },
      (error, stdout, stderr) => {
        const processes = existsSync(mark)
          ? readFileSync(mark, 'utf8')
              .trim()
              .split('\n')
              .map((l) => l.split(' '))
          : [];
        if (error) {
          resolve({ error: `${error.message}\n${stderr}`.slice(0, 4000), processes });
          return;
        }
        resolve({ result: JSON.parse(stdout.trim().split('\n').at(-1)!), processes });
      },
    );
  });
}

/**
 * Packages that fail on wasmloom for a reason already reported, with the
 * error that identifies it. The test checks that the failure is still that
 * one, and fails once the package works, so that the entry gets removed.
 */
const knownIssues: Record<string, { issue: string; signature: RegExp }> = {};

const timings: Record<string, { native: Record<string, number>; wasmloom: Record<string, number> }> = {};

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  const rows = Object.entries(timings).map(
    ([name, t]) =>
      `${name.padEnd(10)} native ${JSON.stringify(t.native)}  wasmloom ${JSON.stringify(t.wasmloom)}`,
  );
  if (rows.length > 0) console.log(`timings (ms):\n${rows.join('\n')}`);
});

describe.each(['sqljs', 'hashwasm', 'brotli', 'esbuild'])('%s', (scenario) => {
  it('gives byte-identical outputs on wasmloom and on native WebAssembly', async () => {
    expect(existsSync(wasmloomDist), 'build first: npx tsc -b packages/wasmloom').toBe(true);
    const native = await runScenario(scenario, 'native');
    expect(native.error, 'the native run must work').toBeUndefined();
    const loom = await runScenario(scenario, 'wasmloom');

    // Every process that ran the package had wasmloom, and only wasmloom.
    expect(loom.processes.length).toBeGreaterThan(0);
    for (const [, engine, isWasmloom] of loom.processes)
      expect([engine, isWasmloom]).toEqual(['wasmloom', 'true']);
    for (const [, engine, isWasmloom] of native.processes)
      expect([engine, isWasmloom]).toEqual(['native', 'false']);
    if (scenario === 'esbuild') expect(loom.processes.length).toBeGreaterThanOrEqual(2);

    const known = knownIssues[scenario];
    if (known !== undefined) {
      expect(loom.error, `${scenario} works on wasmloom now: remove it from knownIssues`).toBeDefined();
      expect(loom.error, `${scenario} fails differently from the known issue: ${known.issue}`).toMatch(
        known.signature,
      );
      console.warn(`${scenario}: known issue, ${known.issue}`);
      return;
    }
    expect(loom.error).toBeUndefined();
    timings[scenario] = { native: native.result!.timings, wasmloom: loom.result!.timings };
    expect(Object.keys(loom.result!.digests)).toEqual(Object.keys(native.result!.digests));
    expect(loom.result!.digests).toEqual(native.result!.digests);
  }, 900_000);
});
