/**
 * `wasmloom validate <file.wasm>`: whether the module is valid, the way
 * `WebAssembly.validate` decides it (every section and every function body),
 * and when it is not, the first error with its byte offset: the error with the
 * lowest offset, whatever the number of compile threads. Prints `OK` (stdout)
 * or the error (stderr); exit code 0 or 1.
 */
import { basename } from 'node:path';
import type { Command } from '../command.js';
import { compileErrorText, errorLocation } from '../compile-file.js';
import { compileStreaming, createEngine } from '../engine.js';
import { formatBytes, formatMs } from '../format.js';
import { type CommandIO, EXIT_FAILURE, usageError } from '../io.js';
import { openModuleChunks } from '../module-file.js';
import { CompileProgressBar } from '../progress.js';
import { parseWorkers } from './options.js';

export interface ValidateReport {
  file: string;
  size: number;
  valid: boolean;
  /** The first error: its message, byte offset and function index when inside a body. */
  error: { message: string; offset?: number; function?: number } | null;
  ms: number;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check that a module is valid WebAssembly; print OK or the first error and its byte offset',
  synopsis: '[options] <file.wasm>',
  help: [
    ['--json', 'print the result as JSON (on stdout, valid or not)'],
    ['--workers N', 'validate on N worker threads (0: on this thread)'],
  ],
  options: { json: { type: 'boolean' }, workers: { type: 'string' } },
  async run({ values, positionals }, io: CommandIO): Promise<number> {
    if (positionals.length !== 1) throw usageError(`expected one file, got ${positionals.length}`);
    const [file] = positionals;
    const progress = new CompileProgressBar(io.stderr, `validating ${basename(file)}`);
    const engine = createEngine({ workers: parseWorkers(values.workers), onProgress: progress.onProgress });
    const start = performance.now();
    // No magic-bytes check of our own: a file that is not wasm is invalid like any other, at offset 0.
    const { size, chunks } = await openModuleChunks(file, progress.onRead, undefined, false);
    let error: ValidateReport['error'] = null;
    try {
      await compileStreaming(engine, chunks);
    } catch (err) {
      if (!(err instanceof engine.CompileError)) throw err;
      const message = compileErrorText(err);
      error = { message, ...errorLocation(message) };
    } finally {
      progress.done();
    }
    const report: ValidateReport = {
      file,
      size,
      valid: error === null,
      error,
      ms: performance.now() - start,
    };
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (error) io.stderr.write(`${file}: invalid: ${error.message}\n`);
    else io.stdout.write(`${file}: OK (${formatBytes(size)}, validated in ${formatMs(report.ms)})\n`);
    return error ? EXIT_FAILURE : 0;
  },
};
