/**
 * `wasmloom compile <file.wasm> [-o module.bin]`: compiles a module on the
 * worker pool as its bytes stream off the disk, reports how long it took, and
 * with `-o` writes the compiled module, serialized by wasmloom's
 * `serializeModule`, so that it can be loaded again without compiling.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { serializeModule } from 'wasmloom';
import type { Command } from '../command.js';
import { compileFile } from '../compile-file.js';
import { formatBytes, formatMs } from '../format.js';
import { type CommandIO, inputError, usageError } from '../io.js';
import { parseWorkers } from './options.js';

export interface CompileReport {
  file: string;
  size: number;
  /** Compile threads asked for; null: wasmloom's default. */
  workers: number | null;
  /** From opening the file to the compiled Module. */
  compileMs: number;
  /** Module bytes per second, in MB (10^6 bytes). */
  mbPerSec: number;
  imports: number;
  exports: number;
  output: { file: string; size: number; serializeMs: number } | null;
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'Compile a module on the worker pool, report the time, and write the compiled module with -o',
  synopsis: '[options] <file.wasm>',
  help: [
    ['-o, --output FILE', 'write the serialized compiled module to FILE'],
    ['--workers N', 'compile on N worker threads (0: on this thread)'],
    ['--json', 'print the report as JSON'],
  ],
  options: {
    output: { type: 'string', short: 'o' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CommandIO): Promise<number> {
    if (positionals.length !== 1) throw usageError(`expected one file, got ${positionals.length}`);
    const [file] = positionals;
    const workers = parseWorkers(values.workers);
    const output = values.output as string | undefined;

    const compiled = await compileFile(file, io, { workers, label: `compiling ${basename(file)}` });
    const WA = compiled.engine;
    const report: CompileReport = {
      file,
      size: compiled.size,
      workers: workers ?? null,
      compileMs: compiled.ms,
      mbPerSec: compiled.size / 1e3 / compiled.ms,
      imports: WA.Module.imports(compiled.module).length,
      exports: WA.Module.exports(compiled.module).length,
      output: null,
    };
    if (output !== undefined) {
      const t0 = performance.now();
      const bytes = serializeModule(compiled.module);
      const serializeMs = performance.now() - t0;
      try {
        await writeFile(output, bytes);
      } catch (err) {
        throw inputError(`cannot write ${output}: ${(err as Error).message}`);
      }
      report.output = { file: output, size: bytes.length, serializeMs };
    }

    if (values.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const threads =
      workers === undefined
        ? "wasmloom's default worker count"
        : `${workers} worker${workers === 1 ? '' : 's'}`;
    let out = `${file}: compiled ${formatBytes(report.size)} in ${formatMs(report.compileMs)} `;
    out += `(${report.mbPerSec.toFixed(1)} MB/s, ${threads}); ${report.imports} imports, ${report.exports} exports\n`;
    if (report.output)
      out += `wrote ${report.output.file}: ${formatBytes(report.output.size)} (serialized in ${formatMs(report.output.serializeMs)})\n`;
    io.stdout.write(out);
    return 0;
  },
};
