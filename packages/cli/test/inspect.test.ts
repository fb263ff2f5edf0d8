import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { section, str, uleb, vec, wasmModule } from '@wasmloom/binary';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { bodySizeHistogram, type InspectReport, inspectBytes } from '../src/commands/inspect.js';
import { capture } from './helpers.js';

// ---- A small module, encoded by hand (@wasmloom/binary's writer) ------------------------

const bodies = [
  [0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b], // add: local.get 0, local.get 1, i32.add (7 bytes)
  [0x00, 0x20, 0x00, 0x10, 0x00, 0x0b], // local.get 0, call $log (6 bytes)
  [0x00, ...new Array(20).fill(0x01), 0x0b], // 20 nops (22 bytes)
];

const fixture = wasmModule(
  section(
    1,
    vec([
      [0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f], // (i32 i32) -> i32
      [0x60, 0x01, 0x7f, 0x00], // (i32) -> ()
      [0x60, 0x00, 0x00], // () -> ()
    ]),
  ),
  section(2, vec([[...str('env'), ...str('log'), 0x00, 0x01]])),
  section(3, vec([[0], [1], [2]])),
  section(5, vec([[0x01, 0x01, 0x02]])), // memory 1..2
  section(
    7,
    vec([
      [...str('add'), 0x00, 0x01],
      [...str('mem'), 0x02, 0x00],
    ]),
  ),
  section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  section(0, [...str('meta'), 1, 2, 3]),
);

let dir: string;
let wasmFile: string;
let textFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasmloom-cli-'));
  wasmFile = join(dir, 'small.wasm');
  textFile = join(dir, 'notes.txt');
  await writeFile(wasmFile, fixture);
  await writeFile(textFile, 'not a module\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// ---- The report ------------------------------------------------------------------------

describe('inspectBytes', () => {
  it('describes the sections, imports, exports, functions and custom sections', () => {
    const report = inspectBytes(fixture, 'small.wasm');
    expect(report.size).toBe(fixture.length);
    expect(report.sections.map((s) => [s.id, s.name])).toEqual([
      [1, 'type'],
      [2, 'import'],
      [3, 'function'],
      [5, 'memory'],
      [7, 'export'],
      [10, 'code'],
      [0, 'meta'],
    ]);
    // Sections tile the file after the 8-byte header.
    expect(report.sections[0].offset).toBe(8);
    for (let i = 1; i < report.sections.length; i++) {
      const prev = report.sections[i - 1];
      expect(report.sections[i].offset).toBe(prev.offset + prev.size);
    }
    const last = report.sections.at(-1)!;
    expect(last.offset + last.size).toBe(fixture.length);

    expect(report.imports).toEqual([
      { module: 'env', name: 'log', kind: 'function', type: '(func (param i32))' },
    ]);
    expect(report.exports).toEqual([
      { name: 'add', kind: 'function', index: 1 },
      { name: 'mem', kind: 'memory', index: 0 },
    ]);
    expect(report.functions).toEqual({ imported: 1, defined: 3, total: 4 });
    expect(report.customSections).toEqual([{ name: 'meta', offset: last.offset, size: 3 }]);
  });

  it('buckets body sizes by powers of two', () => {
    const { bodySizes } = inspectBytes(fixture, 'small.wasm');
    expect(bodySizes).toEqual({
      count: 3,
      totalBytes: 7 + 6 + 22,
      largest: 22,
      buckets: [
        { min: 4, max: 7, count: 2 },
        { min: 8, max: 15, count: 0 },
        { min: 16, max: 31, count: 1 },
      ],
    });
    expect(bodySizeHistogram([])).toEqual([]);
    expect(bodySizeHistogram([1, 1, 2, 1024])[0]).toEqual({ min: 1, max: 1, count: 2 });
    expect(bodySizeHistogram([1024]).at(-1)).toEqual({ min: 1024, max: 2047, count: 1 });
  });

  it('decodes in chunks, whatever their size', () => {
    const whole = inspectBytes(fixture, 'x', 1, 64 * 1024);
    const tiny = inspectBytes(fixture, 'x', 1, 3);
    expect(tiny.parse.chunks).toBe(Math.ceil(fixture.length / 3));
    expect(whole.parse.chunks).toBe(1);
    const { parse: _a, ...a } = whole;
    const { parse: _b, ...b } = tiny;
    expect(b).toEqual(a);
  });
});

// ---- The command -----------------------------------------------------------------------

describe('wasmloom inspect', () => {
  it('prints a text report', async () => {
    const io = capture();
    expect(await runCli(['inspect', '--runs', '1', wasmFile], io)).toBe(0);
    const text = io.out();
    for (const heading of [
      'Sections (7)',
      'Imports (1)',
      'Exports (2)',
      'Functions: 4 (1 imported, 3 defined)',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('env.log');
    expect(text).toMatch(/16–31 B +1 +#+/);
    expect(text).toMatch(/MB\/s/);
    expect(io.err()).toBe('');
  });

  it('prints JSON with --json', async () => {
    const io = capture();
    expect(await runCli(['inspect', '--json', '--runs', '2', wasmFile], io)).toBe(0);
    const report = JSON.parse(io.out()) as InspectReport;
    expect(Object.keys(report).sort()).toEqual(
      [
        'bodySizes',
        'customSections',
        'exports',
        'file',
        'functions',
        'imports',
        'parse',
        'sections',
        'size',
      ].sort(),
    );
    expect(report.file).toBe(wasmFile);
    expect(report.functions.defined).toBe(3);
    expect(report.parse).toMatchObject({ chunkSize: 65536, chunks: 1, runs: 2 });
    expect(report.parse.mbPerSec).toBeGreaterThan(0);
  });

  it('inspects sql.js when no file is given', async () => {
    const io = capture();
    expect(await runCli(['inspect', '--json', '--runs', '1'], io)).toBe(0);
    const report = JSON.parse(io.out()) as InspectReport;
    expect(report.file).toMatch(/sql-wasm\.wasm$/);
    expect(report.functions.defined).toBeGreaterThan(1000);
  });

  it('exits 1 with a message on stderr for a file that is not wasm', async () => {
    const io = capture();
    expect(await runCli(['inspect', textFile], io)).toBe(1);
    expect(io.err()).toMatch(/not a valid WebAssembly module: magic header not detected \(at offset 0x0\)/);
    expect(io.out()).toBe('');
  });

  it('exits 1 for a truncated module and a missing file', async () => {
    const truncated = join(dir, 'truncated.wasm');
    await writeFile(truncated, fixture.subarray(0, fixture.length - 5));
    let io = capture();
    expect(await runCli(['inspect', truncated], io)).toBe(1);
    expect(io.err()).toMatch(/not a valid WebAssembly module: .*\(at offset 0x[0-9a-f]+/);

    io = capture();
    expect(await runCli(['inspect', join(dir, 'missing.wasm')], io)).toBe(1);
    expect(io.err()).toMatch(/cannot read .*missing\.wasm: no such file/);
  });

  it('exits 2 for a wrong command line', async () => {
    for (const argv of [
      ['inspect', '--bogus'],
      ['inspect', 'a.wasm', 'b.wasm'],
      ['inspect', '--runs', 'x'],
      ['frob'],
      [],
    ]) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).not.toBe('');
    }
  });
});

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe.skipIf(!existsSync(bin))('the wasmloom binary', () => {
  const run = promisify(execFile);

  it('sets the exit code', async () => {
    const ok = await run(process.execPath, [bin, 'inspect', '--json', '--runs', '1', wasmFile]);
    expect(JSON.parse(ok.stdout).size).toBe(fixture.length);
    await expect(run(process.execPath, [bin, 'inspect', textFile])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/magic header not detected/),
    });
  });
});
