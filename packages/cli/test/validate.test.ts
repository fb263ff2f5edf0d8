import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import type { ValidateReport } from '../src/commands/validate.js';
import { bin, capture, fixture, haveBin, moduleWith, spawnNode } from './helpers.js';

let tmp: string;
let valid: string;
let invalid: string;
let notWasm: string;

// Function 1's body: i32.const 1, then i64.add (type mismatch) at a known offset.
const goodBody = [0x00, 0x0b];
const badBody = [0x00, 0x41, 0x01, 0x41, 0x02, 0x7c, 0x1a, 0x0b];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasmloom-validate-'));
  valid = join(tmp, 'valid.wasm');
  invalid = join(tmp, 'invalid.wasm');
  notWasm = join(tmp, 'notes.txt');
  await writeFile(valid, moduleWith([goodBody, goodBody]));
  await writeFile(invalid, moduleWith([goodBody, badBody, badBody]));
  await writeFile(notWasm, 'hello\n');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('wasmloom validate', () => {
  it('prints OK for a valid module', async () => {
    for (const file of [valid, fixture('wasi-demo.wasm')]) {
      const io = capture();
      expect(await runCli(['validate', file], io)).toBe(0);
      expect(io.out()).toMatch(/: OK \(/);
      expect(io.err()).toBe('');
    }
  });

  it('prints the first error with its byte offset and function, and exits 1', async () => {
    const io = capture();
    expect(await runCli(['validate', invalid], io)).toBe(1);
    expect(io.err()).toMatch(/invalid\.wasm: invalid: .*\(at offset 0x[0-9a-f]+, function 1\)\n$/);
    expect(io.out()).toBe('');

    // The offset is that of the i64.add in function 1's body.
    const bytes = moduleWith([goodBody, badBody, badBody]);
    const json = capture();
    expect(await runCli(['validate', '--json', invalid], json)).toBe(1);
    const report = JSON.parse(json.out()) as ValidateReport;
    expect(report.valid).toBe(false);
    expect(report.error?.function).toBe(1);
    const bodyStart = bytes.indexOf(0x41); // the first i32.const is function 1's
    expect(report.error?.offset).toBe(bodyStart + 4);
  });

  it('reports a file that is not wasm as invalid at offset 0, and a missing file as unreadable', async () => {
    let io = capture();
    expect(await runCli(['validate', '--json', notWasm], io)).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ valid: false, error: { offset: 0 } });

    io = capture();
    expect(await runCli(['validate', join(tmp, 'missing.wasm')], io)).toBe(1);
    expect(io.err()).toMatch(/cannot read .*missing\.wasm: no such file/);

    io = capture();
    expect(await runCli(['validate'], io)).toBe(2);
  });

  it('prints JSON for a valid module', async () => {
    const io = capture();
    expect(await runCli(['validate', '--json', valid], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ file: valid, valid: true, error: null });
  });
});

describe.skipIf(!haveBin)('the wasmloom binary: validate', () => {
  it('exits 0 and 1', async () => {
    expect((await spawnNode([bin, 'validate', valid])).code).toBe(0);
    const bad = await spawnNode([bin, 'validate', invalid]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/at offset 0x/);
  });
});
