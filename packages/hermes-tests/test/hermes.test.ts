/**
 * wasmloom on Hermes (hermes-engine-cli 0.12, React Native's engine: no
 * WebAssembly, no classes, no TextDecoder, no workers): the browser build,
 * bundled and lowered as a React Native release build is (./hermes-bundle.ts),
 * runs a WASI C program whose bytes are in the bundle; its output must equal
 * the same program's on Node's native WebAssembly and WASI.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundled } from '../../browser-tests/test/bundle.js';
import { root } from '../../wasmloom/test/share-helpers.js';
import { bundleApp, compileForHermes, HERMES } from './hermes-bundle.js';

const WASI_DEMO = join(root, 'packages', 'cli', 'test', 'fixtures', 'wasi-demo.wasm');

interface Run {
  stdout: string;
  stderr: string;
  exit: number;
}

/** The reference: Node's WASI on native WebAssembly, stdin empty, no preopens. */
async function native(args: string[], env: Record<string, string>, dir: string): Promise<Run> {
  const files = ['in', 'out', 'err'].map((f) => join(dir, `native-${f}`));
  writeFileSync(files[0], '');
  const [stdin, stdout, stderr] = files.map((f, i) => openSync(f, i === 0 ? 'r' : 'w'));
  try {
    const wasi = new WASI({ version: 'preview1', args, env, stdin, stdout, stderr, returnOnExit: true });
    const module = await WebAssembly.compile(readFileSync(WASI_DEMO));
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
    const exit = wasi.start(instance);
    return { stdout: readFileSync(files[1], 'utf8'), stderr: readFileSync(files[2], 'utf8'), exit };
  } finally {
    for (const fd of [stdin, stdout, stderr]) closeSync(fd);
  }
}

/** What the Hermes app printed: "polyfill installed: …", then the program's streams and exit code. */
function parseHermes(printed: string): Run & { installed: boolean } {
  const m = /^polyfill installed: (\w+)\nstdout:\n([\s\S]*)stderr:\n([\s\S]*)exit (\d+)\n$/.exec(printed);
  if (!m) throw new Error(`unexpected Hermes output:\n${printed}`);
  return { installed: m[1] === 'true', stdout: m[2], stderr: m[3], exit: Number(m[4]) };
}

describe('wasmloom on Hermes, as in a React Native app', () => {
  let dir: string;
  let app: string;

  beforeAll(async () => {
    ensureBundled();
    dir = mkdtempSync(join(tmpdir(), 'wasmloom-hermes-'));
    app = await bundleApp('wasi-app.js', WASI_DEMO);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a host without WebAssembly, TextDecoder, classes or workers', () => {
    const probe = join(dir, 'probe.js');
    writeFileSync(
      probe,
      `print([typeof WebAssembly, typeof TextDecoder, typeof Worker, typeof performance].join(' '));
       try { eval('class A {}'); print('classes'); } catch (e) { print(e.name); }`,
    );
    expect(execFileSync(HERMES, ['-w', probe], { encoding: 'utf8' })).toBe(
      'undefined undefined undefined undefined\nSyntaxError\n',
    );
    expect(app).not.toMatch(/\bclass\s+\w+\s*(extends\b[^{]*)?\{/);
  });

  const cases: { name: string; args: string[]; env: Record<string, string> }[] = [
    {
      name: 'arguments, environment, integer, 64-bit and float arithmetic',
      args: ['wasi-demo', '--primes', '30000', 'hello', 'world'],
      env: { DEMO_NAME: 'hermes' },
    },
    { name: 'the exit code it is asked for', args: ['wasi-demo', '--primes', '10', '--exit', '3'], env: {} },
  ];
  for (const c of cases) {
    it(`runs wasi-demo with native's output: ${c.name}`, async () => {
      const hbc = compileForHermes(
        app,
        { args: c.args, env: c.env },
        join(dir, `app-${cases.indexOf(c)}.hbc`),
      );
      const printed = execFileSync(HERMES, [hbc], { encoding: 'utf8', timeout: 120_000 });
      const hermes = parseHermes(printed);
      expect(hermes.installed).toBe(true);
      const reference = await native(c.args, c.env, dir);
      expect(reference.stdout).toContain(`argc ${c.args.length}`);
      expect({ stdout: hermes.stdout, stderr: hermes.stderr, exit: hermes.exit }).toEqual(reference);
    }, 120_000);
  }
});
