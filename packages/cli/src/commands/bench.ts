/**
 * `wasmloom bench [file.wasm]`: how long compiling takes, by engine: native
 * WebAssembly (lazy, as V8 does by default, and eager) and wasmloom with 0, 1
 * and 2 compile threads, each the median of `--runs` compiles of the bytes in
 * memory (reading the file is not timed). With no file it benches sql.js's
 * wasm. See compile-bench.ts for how the native figures are kept honest.
 */
import { availableParallelism } from 'node:os';
import type { Command } from '../command.js';
import { type CompileTiming, measureCompileTable } from '../compile-bench.js';
import { formatBytes, formatMs, formatRatio, table } from '../format.js';
import { type CommandIO, inputError, usageError } from '../io.js';
import { checkWasmMagic, readModuleFile } from '../module-file.js';
import { defaultModulePath } from './inspect.js';
import { parseRuns } from './options.js';

export interface BenchReport {
  file: string;
  size: number;
  runs: number;
  cpus: number;
  compile: CompileTiming[];
}

export function formatBench(report: BenchReport): string {
  const native = report.compile.find((t) => t.kind === 'native' && t.eager) ?? report.compile[0];
  let out = `${report.file}: ${formatBytes(report.size)}, compile time, median of ${report.runs} (${report.cpus} CPUs)\n\n`;
  out += table(
    [
      ['engine', 'first', 'median', 'vs native eager'],
      ...report.compile.map((t) => [
        t.label,
        formatMs(t.firstMs),
        formatMs(t.medianMs),
        formatRatio(t.medianMs, native.medianMs),
      ]),
    ],
    [false, true, true, true],
  );
  out +=
    '\n  "first" includes starting the worker threads; native lazy compiles each function on its first call.\n';
  return out;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Compare compile time by worker count with native WebAssembly',
  synopsis: '[options] [file.wasm]',
  help: [
    ['--runs N', 'compile N times per engine and report the median (default 3)'],
    ['--json', 'print the report as JSON'],
  ],
  options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io: CommandIO): Promise<number> {
    if (positionals.length > 1) throw usageError(`expected one file, got ${positionals.length}`);
    const runs = parseRuns(values.runs);
    const file = positionals[0] ?? defaultModulePath();
    const bytes = await readModuleFile(file);
    checkWasmMagic(bytes, file);
    let compile: CompileTiming[];
    try {
      compile = await measureCompileTable(bytes, runs, io.stderr, 'bench', true);
    } catch (err) {
      const e = err as Error;
      if (e?.name === 'CompileError') throw inputError(`${file} does not compile: ${e.message}`);
      throw err;
    }
    const report: BenchReport = {
      file,
      size: bytes.length,
      runs,
      cpus: availableParallelism(),
      compile,
    };
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatBench(report));
    return 0;
  },
};
