/**
 * Node without a JIT (`node --jitless`: no native WebAssembly at all), with
 * wasmloom put in its place by `--import wasmloom/polyfill`, exactly as the
 * README shows: Node's own `fetch` (undici's llhttp parser is wasm) against a
 * local server, and sql.js unchanged, each output equal to a native run's.
 * Small inputs: interpreted code runs ~10x slower.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../wasmloom/test/share-helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

interface Digest {
  length: number;
  sha256: string;
  value?: string;
}
type Digests = Record<string, Digest>;

/** scenarios/run.mjs `scenario` under `flags`; its digests, or the error it ended with. */
async function scenario(
  name: string,
  flags: string[],
  env: Record<string, string> = {},
): Promise<{ digests?: Digests; error?: string }> {
  try {
    const { stdout } = await run(process.execPath, [...flags, 'scenarios/run.mjs', name], {
      cwd: packageDir,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    return { digests: JSON.parse(stdout.trim().split('\n').at(-1)!).digests };
  } catch (e) {
    return { error: String((e as { stderr?: string }).stderr ?? e) };
  }
}

const JITLESS = ['--jitless', '--import', 'wasmloom/polyfill'];

/** `digests` without the keys that are allowed to differ between engines. */
function without(digests: Digests | undefined, ...keys: string[]): Digests {
  return Object.fromEntries(Object.entries(digests ?? {}).filter(([k]) => !keys.includes(k)));
}

describe('node --jitless --import wasmloom/polyfill', () => {
  beforeAll(ensureBuilt, 300_000); // the child processes load the built wasmloom

  it('is needed: --jitless alone has no WebAssembly, and fetch fails', async () => {
    const { stdout } = await run(process.execPath, ['--jitless', '-p', 'typeof WebAssembly'], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout.trim()).toBe('undefined');
    const bare = await scenario('fetch', ['--jitless']);
    expect(bare.error).toMatch(/WebAssembly is not defined/);
  }, 60_000);

  it("runs Node's own fetch (undici's llhttp on wasmloom, the scalar build) as native does", async () => {
    const [native, loom] = await Promise.all([scenario('fetch', []), scenario('fetch', JITLESS)]);
    expect(native.error).toBeUndefined();
    expect(loom.error).toBeUndefined();
    expect(without(loom.digests, 'llhttp compiles', 'llhttp errors')).toEqual(
      without(native.digests, 'llhttp compiles', 'llhttp errors'),
    );
    expect(loom.digests?.chunked.value).toBe('200 OK text/plain 3 first,second,third');

    // Native compiles llhttp's SIMD build; wasmloom rejects that one (SIMD is
    // not implemented, a CompileError naming it) and undici falls back to the scalar build.
    const nativeCompiles = native.digests?.['llhttp compiles'].value?.split('\n') ?? [];
    const loomCompiles = loom.digests?.['llhttp compiles'].value?.split('\n') ?? [];
    expect(nativeCompiles).toHaveLength(1);
    expect(nativeCompiles[0]).toMatch(/: compiled$/);
    const simdBuild = nativeCompiles[0].replace(/: compiled$/, '');
    expect(loomCompiles).toEqual([`${simdBuild}: CompileError`, expect.stringMatching(/: compiled$/)]);
    expect(loomCompiles[1]).not.toContain(simdBuild);
    expect(loom.digests?.['llhttp errors'].value).toMatch(
      /^WebAssembly\.compile\(\): unsupported: .*\(simd\)/,
    );
  }, 120_000);

  it('runs sql.js unchanged with native output', async () => {
    const env = { REALWORLD_SQL_ROWS: '2000' };
    const [native, loom] = await Promise.all([scenario('sqljs', [], env), scenario('sqljs', JITLESS, env)]);
    expect(native.error).toBeUndefined();
    expect(loom.error).toBeUndefined();
    expect(Object.keys(loom.digests ?? {})).toContain('database file');
    expect(loom.digests).toEqual(native.digests);
  }, 120_000);
});
