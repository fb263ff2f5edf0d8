/**
 * `wasmloom run [options] <file.wasm> [args...]`: runs a WASI preview1 command
 * program on wasmloom. The program gets its arguments (the file name first),
 * the environment given with `--env`, stdin/stdout/stderr, and the host
 * directories given with `--dir`; `wasmloom run` exits with the program's exit
 * code.
 *
 * Exit codes besides the program's own: 1 when the file cannot be read, is
 * not WebAssembly, does not compile or link, or is not a WASI command; 2 for a
 * wrong command line; 134 (128 + SIGABRT, as for a native program that
 * aborts) when the program traps, with `RuntimeError: <message>` on stderr.
 */
import { basename, resolve } from 'node:path';
import type { Command } from '../command.js';
import { compileFile } from '../compile-file.js';
import { describeError, isTrap, nativeWebAssembly } from '../engine.js';
import { type CommandIO, EXIT_FAILURE, inputError, usageError } from '../io.js';
import { NotACommandError, WasiPreview1 } from '../wasi/index.js';
import { parseWorkers } from './options.js';

/** The exit code of a program that trapped. */
export const EXIT_TRAP = 134;

export interface RunSummary {
  file: string;
  engine: 'wasmloom' | 'native';
  exitCode: number;
  /** `RuntimeError: unreachable` when the program trapped. */
  trap: string | null;
  compileMs: number;
  instantiateMs: number;
  runMs: number;
}

/** `--dir HOST` or `--dir HOST::GUEST` → guest path → host path. */
export function parseDirs(dirs: readonly string[]): Record<string, string> {
  const preopens: Record<string, string> = {};
  for (const spec of dirs) {
    const [host, guest = host, ...extra] = spec.split('::');
    if (!host || !guest || extra.length) throw usageError(`--dir wants HOST or HOST::GUEST, got '${spec}'`);
    preopens[guest] = resolve(host);
  }
  return preopens;
}

export function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`--env wants NAME=VALUE, got '${pair}'`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a WASI (preview1) command program on wasmloom',
  synopsis: '[options] <file.wasm> [args...]',
  help: [
    [
      '--dir HOST[::GUEST]',
      'let the program use host directory HOST, seen as GUEST (default: HOST); repeatable',
    ],
    ['--env NAME=VALUE', 'set an environment variable for the program; repeatable'],
    ['--workers N', 'compile on N worker threads (0: on this thread)'],
    ['--native', "run on Node's native WebAssembly instead (to compare)"],
    ['--json', 'when the program ends, print a JSON summary (exit code, trap, timings) on stderr'],
  ],
  options: {
    dir: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    workers: { type: 'string' },
    native: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  passThrough: true,
  async run({ values, positionals, rest = [] }, io: CommandIO): Promise<number> {
    const [file] = positionals;
    if (!file) throw usageError('which program? Give the .wasm file to run');
    const preopens = parseDirs((values.dir as string[] | undefined) ?? []);
    const env = parseEnv((values.env as string[] | undefined) ?? []);
    const workers = parseWorkers(values.workers);
    const native = values.native === true;

    const compiled = await compileFile(file, io, {
      workers,
      native: native ? nativeWebAssembly : undefined,
      label: `compiling ${basename(file)}`,
    });

    let wasi: WasiPreview1;
    try {
      wasi = new WasiPreview1({
        args: [file, ...rest],
        env,
        preopens,
        stdin: io.stdin ?? new Uint8Array(0),
        stdout: io.stdout,
        stderr: io.stderr,
      });
    } catch (err) {
      throw inputError((err as Error).message);
    }

    const summary: RunSummary = {
      file,
      engine: native ? 'native' : 'wasmloom',
      exitCode: 0,
      trap: null,
      compileMs: compiled.ms,
      instantiateMs: 0,
      runMs: 0,
    };
    let runStart = performance.now();
    const finish = (exitCode: number): number => {
      summary.exitCode = exitCode;
      summary.runMs = performance.now() - runStart;
      if (values.json) io.stderr.write(`${JSON.stringify(summary)}\n`);
      return exitCode;
    };
    const trapped = (err: unknown): number => {
      summary.trap = describeError(err);
      io.stderr.write(`wasmloom run: ${file} trapped: ${summary.trap}\n`);
      return finish(EXIT_TRAP);
    };

    let instance: WebAssembly.Instance;
    try {
      instance = await compiled.engine.instantiate(
        compiled.module,
        wasi.getImportObject() as WebAssembly.Imports,
      );
    } catch (err) {
      // A start function can trap; a LinkError names the import WASI does not give.
      if (isTrap(err)) return trapped(err);
      const foreign = compiled.engine.Module.imports(compiled.module).filter(
        (i) => i.module !== 'wasi_snapshot_preview1',
      );
      const hint = foreign.length
        ? ` (a WASI program may import only from wasi_snapshot_preview1; this one also wants ${foreign
            .slice(0, 3)
            .map((i) => `${i.module}.${i.name}`)
            .join(', ')}${foreign.length > 3 ? ', …' : ''})`
        : '';
      throw inputError(`cannot instantiate ${file}: ${describeError(err)}${hint}`);
    }
    summary.instantiateMs = performance.now() - runStart;
    runStart = performance.now();

    try {
      return finish(wasi.start(instance as unknown as { exports: Record<string, unknown> }));
    } catch (err) {
      if (isTrap(err)) return trapped(err);
      if (err instanceof NotACommandError) {
        io.stderr.write(`wasmloom run: ${file}: ${err.message}\n`);
        return finish(EXIT_FAILURE);
      }
      // A JS exception thrown through the program (a host bug, or an engine one): say what it was.
      io.stderr.write(`wasmloom run: ${file} failed: ${describeError(err)}\n`);
      return finish(EXIT_FAILURE);
    }
  },
};
