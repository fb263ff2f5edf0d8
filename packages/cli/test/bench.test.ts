import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { type BenchReport, formatBench } from '../src/commands/bench.js';
import { uniqueBytes } from '../src/compile-bench.js';
import { bin, capture, fixture, haveBin, spawnNode } from './helpers.js';

const program = fixture('wasi-demo.wasm');

describe('wasmloom bench', () => {
  it('times native (lazy and eager) and wasmloom compiles', async () => {
    const io = capture();
    expect(await runCli(['bench', '--json', '--runs', '2', program], io)).toBe(0);
    const report = JSON.parse(io.out()) as BenchReport;
    expect(report.runs).toBe(2);
    const kinds = report.compile.map((t) => [t.kind, t.eager]);
    expect(kinds.slice(0, 2)).toEqual([
      ['native', false],
      ['native', true],
    ]);
    expect(report.compile.slice(2).every((t) => t.kind === 'wasmloom')).toBe(true);
    expect(report.compile.length).toBe(5);
    for (const t of report.compile) expect(t.medianMs).toBeGreaterThan(0);
    expect(formatBench(report)).toMatch(/vs native eager/);
  });

  it('gives every compile new bytes of the same module (V8 caches modules by their bytes)', async () => {
    const bytes = new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(program)));
    const a = uniqueBytes(bytes);
    const b = uniqueBytes(bytes);
    expect(a).not.toEqual(b);
    expect(WebAssembly.validate(a)).toBe(true);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(a))).toEqual(
      WebAssembly.Module.exports(new WebAssembly.Module(bytes)),
    );
  });

  it('exits 1 for a file that is not wasm, 2 for bad --runs', async () => {
    let io = capture();
    expect(await runCli(['bench', import.meta.filename], io)).toBe(1);
    expect(io.err()).toMatch(/is not a WebAssembly module/);
    io = capture();
    expect(await runCli(['bench', '--runs', '0', program], io)).toBe(2);
  });
});

describe.skipIf(!haveBin)('the wasmloom binary: bench', () => {
  it('prints the table', async () => {
    const r = await spawnNode([bin, 'bench', '--runs', '1', program]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/native WebAssembly \(eager, every function\)/);
  });
});
