/**
 * `wasmloom run` against the reference: the same C program (test/fixtures/
 * wasi-demo.c, built for wasm32-wasi) on Node's own WASI with native
 * WebAssembly must print the same bytes, write the same files and exit with
 * the same code as on wasmloom with our WASI host.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, splitAtFirstPositional } from '../src/cli.js';
import { EXIT_TRAP, parseDirs, parseEnv } from '../src/commands/run.js';
import { bin, capture, fixture, haveBin, moduleWith, type Spawned, spawnNode } from './helpers.js';

const program = fixture('wasi-demo.wasm');
const STDIN = 'hello world\nsecond line\n\tthird,  with  spaces\n';
const ARGS = ['x y', 'ünïcode', '--out', '/sandbox', '--primes', '50000'];

let tmp: string;
let reference: Spawned & { files: Record<string, string> };

/** The files a run left in `dir`, by name. */
async function filesIn(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir)) files[entry] = await readFile(join(dir, entry), 'utf8');
  return files;
}

async function sandbox(label: string): Promise<string> {
  const dir = join(tmp, label);
  await mkdir(dir);
  return dir;
}

async function runReference(args: string[], dir: string, stdin: string): Promise<Spawned> {
  const spec = { file: program, args, env: { DEMO_NAME: 'loom' }, preopens: { '/sandbox': dir } };
  return spawnNode([fixture('wasi-reference.mjs'), JSON.stringify(spec)], stdin);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasmloom-run-'));
  const dir = await sandbox('reference');
  const r = await runReference([...ARGS, '--exit', '3'], dir, STDIN);
  reference = { ...r, files: await filesIn(dir) };
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('wasmloom run, against node:wasi on native WebAssembly', () => {
  it('the reference run did what the program does', () => {
    expect(reference.code).toBe(3);
    expect(reference.stdout).toContain("argv[2] = 'ünïcode'");
    expect(reference.stdout).toContain('primes below 50000: 5133');
    expect(reference.stdout).toContain('stdin 46 bytes, 3 lines, 7 words');
    expect(reference.stderr).toBe('wasi-demo: done, exiting with 3\n');
    expect(Object.keys(reference.files)).toEqual(['result.txt']);
  });

  for (const engine of ['wasmloom', 'native'] as const) {
    it(`prints, writes and exits the same on ${engine}`, async () => {
      const dir = await sandbox(`in-process-${engine}`);
      const io = capture(STDIN);
      const flags = engine === 'native' ? ['--native'] : [];
      const argv = ['run', ...flags, '--dir', `${dir}::/sandbox`, '--env', 'DEMO_NAME=loom', program];
      const code = await runCli([...argv, ...ARGS, '--exit', '3'], io);
      expect(io.out()).toBe(reference.stdout);
      expect(io.err()).toBe(reference.stderr);
      expect(code).toBe(3);
      expect(await filesIn(dir)).toEqual(reference.files);
    });
  }

  it('passes the exit code through, 0 included', async () => {
    for (const exit of ['0', '42']) {
      const io = capture('');
      expect(await runCli(['run', program, '--exit', exit, '--primes', '10'], io)).toBe(Number(exit));
      expect(io.out()).toContain('DEMO_NAME (unset)');
    }
  });

  it('reports a trap as RuntimeError with exit code 134, after what the program printed', async () => {
    const io = capture('');
    expect(await runCli(['run', program, '--trap', '--primes', '10'], io)).toBe(EXIT_TRAP);
    expect(io.out()).toContain('primes below 10: 4');
    expect(io.err()).toMatch(/wasmloom run: .*wasi-demo\.wasm trapped: RuntimeError: unreachable/);
  });

  it('prints a JSON summary on stderr with --json', async () => {
    const io = capture('');
    expect(await runCli(['run', '--json', program, '--exit', '5', '--primes', '10'], io)).toBe(5);
    const summary = JSON.parse(io.err().trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ engine: 'wasmloom', exitCode: 5, trap: null });
    expect(summary.compileMs).toBeGreaterThan(0);
  });
});

describe('wasmloom run, failures', () => {
  it('exits 1 for a missing file, a text file and an invalid module', async () => {
    const text = join(tmp, 'prog.wat');
    await writeFile(text, '(module)\n');
    const invalid = join(tmp, 'invalid.wasm');
    await writeFile(invalid, moduleWith([[0x00, 0x6a, 0x0b]])); // i32.add on an empty stack

    let io = capture();
    expect(await runCli(['run', join(tmp, 'missing.wasm')], io)).toBe(1);
    expect(io.err()).toMatch(/cannot read .*missing\.wasm: no such file/);

    io = capture();
    expect(await runCli(['run', text], io)).toBe(1);
    expect(io.err()).toMatch(/is not a WebAssembly module: it looks like WebAssembly text/);

    io = capture();
    expect(await runCli(['run', invalid], io)).toBe(1);
    expect(io.err()).toMatch(/is not a valid WebAssembly module: .*\(at offset 0x[0-9a-f]+, function 0\)/);
  });

  it('exits 1 for a module that is not a WASI command or wants other imports', async () => {
    const noStart = join(tmp, 'no-start.wasm');
    await writeFile(noStart, moduleWith([[0x00, 0x0b]], { memory: true }));
    let io = capture();
    expect(await runCli(['run', noStart], io)).toBe(1);
    expect(io.err()).toMatch(/not a WASI command: the module exports no "_start" function/);

    const foreign = join(tmp, 'foreign.wasm');
    await writeFile(
      foreign,
      moduleWith([[0x00, 0x0b]], { imports: [['env', 'frob']], memory: true, exportNames: ['_start'] }),
    );
    io = capture();
    expect(await runCli(['run', foreign], io)).toBe(1);
    expect(io.err()).toMatch(/cannot instantiate .*foreign\.wasm: \w+Error: .*env.*frob/);
    expect(io.err()).toContain('a WASI program may import only from wasi_snapshot_preview1');
  });

  it('exits 1 for a --dir that does not exist, 2 for a wrong command line', async () => {
    let io = capture();
    expect(await runCli(['run', '--dir', join(tmp, 'nowhere'), program], io)).toBe(1);
    expect(io.err()).toMatch(/cannot preopen .*nowhere/);
    for (const argv of [
      ['run'],
      ['run', '--env', 'NOEQUALS', program],
      ['run', '--workers', 'lots', program],
      ['run', '--dir', 'a::b::c', program],
      ['run', '--bogus', program],
    ]) {
      io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).not.toBe('');
    }
  });
});

describe('the command line of run', () => {
  const options = { dir: { type: 'string' as const }, native: { type: 'boolean' as const } };

  it('gives everything after the file to the program', () => {
    expect(splitAtFirstPositional(['--dir', 'd', 'p.wasm', '--dir', 'x', '-h'], options)).toEqual([
      ['--dir', 'd', 'p.wasm'],
      ['--dir', 'x', '-h'],
    ]);
    expect(splitAtFirstPositional(['--native', '--dir=d', 'p.wasm'], options)).toEqual([
      ['--native', '--dir=d', 'p.wasm'],
      [],
    ]);
    expect(splitAtFirstPositional(['--', '-odd.wasm', 'a'], options)).toEqual([['--', '-odd.wasm'], ['a']]);
  });

  it('parses --dir and --env', () => {
    expect(parseDirs(['/tmp::/data'])).toEqual({ '/data': '/tmp' });
    expect(Object.keys(parseDirs(['rel']))).toEqual(['rel']);
    expect(parseEnv(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
  });
});

describe.skipIf(!haveBin)('the wasmloom binary: run', () => {
  it('matches node:wasi on native WebAssembly, stdin from a pipe', async () => {
    const dir = await sandbox('binary');
    const r = await spawnNode(
      [bin, 'run', '--dir', `${dir}::/sandbox`, '--env', 'DEMO_NAME=loom', program, ...ARGS, '--exit', '3'],
      STDIN,
    );
    expect(r.stdout).toBe(reference.stdout);
    expect(r.stderr).toBe(reference.stderr);
    expect(r.code).toBe(3);
    expect(await filesIn(dir)).toEqual(reference.files);
  });

  it('exits 134 on a trap', async () => {
    const r = await spawnNode([bin, 'run', program, '--trap'], '');
    expect(r.code).toBe(EXIT_TRAP);
    expect(r.stderr).toMatch(/trapped: RuntimeError: unreachable/);
  });
});
