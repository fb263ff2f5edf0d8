/**
 * Compiling a module file the way the commands do: the bytes stream off the
 * disk into the engine's `compileStreaming`, so that compilation overlaps the
 * reading, with a progress bar on stderr while it lasts. A CompileError
 * becomes exit code 1 with its message (which carries the byte offset).
 */
import { compileStreaming, createEngine, type Engine, type EngineOptions } from './engine.js';
import { formatBytes } from './format.js';
import { type CommandIO, inputError } from './io.js';
import { openModuleChunks } from './module-file.js';
import { CompileProgressBar } from './progress.js';

export interface CompiledFile {
  module: WebAssembly.Module;
  engine: Engine | typeof WebAssembly;
  size: number;
  /** From opening the file to the Module. */
  ms: number;
}

/** The CompileError's message without the API call it came through. */
export function compileErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^WebAssembly\.[A-Za-z]+\(\): /, '');
}

/** The byte offset and function index a CompileError names, when it does. */
export function errorLocation(message: string): { offset?: number; function?: number } {
  const m = /\(at offset 0x([0-9a-f]+)(?:, function (\d+))?\)/.exec(message);
  if (!m) return {};
  return { offset: Number.parseInt(m[1], 16), ...(m[2] === undefined ? {} : { function: Number(m[2]) }) };
}

export async function compileFile(
  path: string,
  io: CommandIO,
  options: EngineOptions & { native?: typeof WebAssembly; label?: string } = {},
): Promise<CompiledFile> {
  const progress = new CompileProgressBar(io.stderr, options.label ?? 'compiling');
  const engine =
    options.native ??
    createEngine({ workers: options.workers, onProgress: options.onProgress ?? progress.onProgress });
  const start = performance.now();
  const { size, chunks } = await openModuleChunks(path, progress.onRead);
  try {
    const module = await compileStreaming(engine, chunks);
    return { module, engine, size, ms: performance.now() - start };
  } catch (err) {
    if (err instanceof engine.CompileError)
      throw inputError(
        `${path} (${formatBytes(size)}) is not a valid WebAssembly module: ${compileErrorText(err)}`,
      );
    throw err;
  } finally {
    progress.done();
  }
}
