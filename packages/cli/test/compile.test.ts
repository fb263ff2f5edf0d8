import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import type { CompileReport } from '../src/commands/compile.js';
import { bin, capture, fixture, haveBin, moduleWith, spawnNode } from './helpers.js';

let tmp: string;
const program = fixture('wasi-demo.wasm');

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasmloom-compile-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('wasmloom compile', () => {
  it('compiles and reports the time', async () => {
    const io = capture();
    expect(await runCli(['compile', program], io)).toBe(0);
    expect(io.out()).toMatch(
      /wasi-demo\.wasm: compiled 38\.\d KiB in [\d.]+ ms \([\d.]+ MB\/s, .*\); 21 imports, 2 exports\n/,
    );
  });

  it('prints JSON with --json, with the worker count asked for', async () => {
    const io = capture();
    expect(await runCli(['compile', '--json', '--workers', '1', program], io)).toBe(0);
    const report = JSON.parse(io.out()) as CompileReport;
    expect(report).toMatchObject({ file: program, workers: 1, imports: 21, exports: 2, output: null });
    expect(report.compileMs).toBeGreaterThan(0);
  });

  it('writes the serialized module with -o', async () => {
    const out = join(tmp, 'module.bin');
    const io = capture();
    expect(await runCli(['compile', '--json', '-o', out, program], io)).toBe(0);
    const report = JSON.parse(io.out()) as CompileReport;
    expect(report.output?.size).toBe((await readFile(out)).length);
    expect(report.output?.size).toBeGreaterThan(0);
  });

  it('exits 1 for invalid input and 2 for a wrong command line', async () => {
    const invalid = join(tmp, 'invalid.wasm');
    await writeFile(invalid, moduleWith([[0x00, 0x6a, 0x0b]]));
    let io = capture();
    expect(await runCli(['compile', invalid], io)).toBe(1);
    expect(io.err()).toMatch(/not a valid WebAssembly module: .*\(at offset 0x[0-9a-f]+, function 0\)/);
    io = capture();
    expect(await runCli(['compile', '--workers', '-1', program], io)).toBe(2);
    io = capture();
    expect(await runCli(['compile', program, program], io)).toBe(2);
  });
});

describe.skipIf(!haveBin)('the wasmloom binary: compile', () => {
  it('exits 0 and prints JSON', async () => {
    const r = await spawnNode([bin, 'compile', '--json', program]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).exports).toBe(2);
  });
});
