/**
 * `wasmloom demo`: the main job. Takes a real module from an npm package
 * (esbuild-wasm by default, or sql.js), and prints, beside native WebAssembly:
 *
 * 1. compile time by wasmloom's worker count (in this process, the bytes in
 *    memory, see compile-bench.ts);
 * 2. the package doing real work on each engine, each in a fresh process
 *    (demo/child.ts): the module streamed off the disk and compiled on the
 *    pool with a progress bar, instantiated through the package's own glue,
 *    then one unit of work (the first result) and more (the steady state).
 *
 * The outputs of the two engines must be identical. If the run on wasmloom
 * fails, or its output differs, the job says what happened and exits 1: no
 * figure is printed for a run that did not happen.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { type CompileTiming, measureCompileTable } from '../compile-bench.js';
import type { ChildReport, ChildResult, ChildSpec } from '../demo/child.js';
import { findWorkload, type Workload, workloads } from '../demo/workloads.js';
import { formatBytes, formatMs, formatRatio, table } from '../format.js';
import { type CommandIO, EXIT_FAILURE, processIO, usageError } from '../io.js';
import { checkWasmMagic, readModuleFile } from '../module-file.js';
import { parseRuns } from './options.js';

const CHILD = fileURLToPath(new URL('../demo/child.js', import.meta.url));
/** wasmloom's compile threads for the run: the machine's 2 cores. */
const RUN_WORKERS = 2;

export interface DemoReport {
  workload: string;
  package: string;
  work: string;
  module: { file: string; size: number };
  compile: CompileTiming[];
  run: { native: ChildReport; wasmloom: ChildReport };
  /** Both runs succeeded and gave the same output. */
  ok: boolean;
  failure: string | null;
  notes: string[];
}

function isResult(r: ChildReport): r is ChildResult {
  return !('error' in r);
}

/** Runs one engine's child process; its stderr (the progress bar) goes to ours when ours is the process's. */
function runChild(spec: ChildSpec, io: CommandIO): Promise<ChildReport> {
  return new Promise((resolve) => {
    const inherit = io.stderr === processIO.stderr;
    const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', inherit ? 'inherit' : 'pipe'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => io.stderr.write(s));
    child.on('error', (err) => resolve({ error: `cannot start the run: ${err.message}`, phase: 'setup' }));
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as ChildReport);
      } catch {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve({ error: `the run ${how} without reporting (out of memory?)`, phase: 'unknown' });
      }
    });
  });
}

export function formatDemo(r: DemoReport): string {
  let out = `wasmloom demo: ${r.package}, ${r.work}\n`;
  out += `  module: ${r.module.file} (${formatBytes(r.module.size)})\n`;

  const eager = r.compile.find((t) => t.kind === 'native' && t.eager);
  out += `\nCompile time by worker count (bytes in memory, median of ${r.compile[0]?.runs ?? 0}):\n`;
  out += table(
    [
      ['engine', 'time', 'vs native eager'],
      ...r.compile.map((t) => [
        t.label,
        formatMs(t.medianMs),
        eager ? formatRatio(t.medianMs, eager.medianMs) : '',
      ]),
    ],
    [false, true, true],
  );

  const { native, wasmloom } = r.run;
  const wlLabel =
    isResult(wasmloom) && wasmloom.workers !== null ? `wasmloom (${wasmloom.workers} workers)` : 'wasmloom';
  out += `\nReal work, each engine in a fresh process:\n`;
  if (isResult(native) && isResult(wasmloom)) {
    const rows: [string, number, number][] = [
      ['compile (streamed from disk)', native.compileMs, wasmloom.compileMs],
      ['instantiate', native.instantiateMs, wasmloom.instantiateMs],
      ['first result (from the first byte read)', native.firstResultMs, wasmloom.firstResultMs],
      [`steady state (median of ${wasmloom.steadyRuns.length})`, native.steadyMs, wasmloom.steadyMs],
    ];
    out += table(
      [
        ['', 'native', wlLabel, 'wasmloom / native'],
        ...rows.map(([label, n, w]) => [label, formatMs(n), formatMs(w), formatRatio(w, n)]),
      ],
      [false, true, true, true],
    );
    const em = wasmloom.emitted;
    if (em !== undefined) {
      out += `  wasmloom's JS (tiered loading): ${em.here} of ${em.total} functions emitted at their first call, ${em.onPool} on the pool in the background`;
      out += em.allEmittedMs === null ? '\n' : `, all by ${formatMs(em.allEmittedMs)} from the first byte\n`;
    }
    const same = native.output.sha256 === wasmloom.output.sha256;
    out += `\n  output: ${native.output.length} characters, ${same ? 'identical on both engines' : 'DIFFERENT on wasmloom'} (sha256 ${native.output.sha256.slice(0, 16)}…)\n`;
    out += `  ${JSON.stringify(native.output.head.slice(0, 90))}…\n`;
  } else {
    for (const [name, rep] of [
      ['native', native],
      ['wasmloom', wasmloom],
    ] as const) {
      out += isResult(rep)
        ? `  ${name}: ran (first result ${formatMs(rep.firstResultMs)}, steady ${formatMs(rep.steadyMs)})\n`
        : `  ${name}: FAILED during ${rep.phase}: ${rep.error}\n`;
    }
  }
  for (const note of r.notes) out += `  note: ${note}\n`;
  if (r.failure) out += `\nFAILED: ${r.failure}\n`;
  return out;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: `The main job: compile a real module on the pool and run it beside native WebAssembly (${workloads.map((w) => w.name).join(', ')})`,
  synopsis: '[options]',
  help: [
    [
      '--workload NAME',
      `what to run: ${workloads.map((w) => w.name).join(' or ')} (default ${workloads[0].name})`,
    ],
    ['--runs N', 'compiles per engine for the compile table (default 1)'],
    ['--iterations N', 'units of work after the first, for the steady state (default 5)'],
    ['--json', 'print the report as JSON'],
  ],
  options: {
    workload: { type: 'string', default: workloads[0].name },
    runs: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '5' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CommandIO): Promise<number> {
    if (positionals.length) throw usageError(`demo takes no file, got '${positionals[0]}'`);
    const workload: Workload | undefined = findWorkload(String(values.workload));
    if (!workload)
      throw usageError(
        `unknown workload '${values.workload}': use ${workloads.map((w) => w.name).join(' or ')}`,
      );
    const runs = parseRuns(values.runs);
    const iterations = parseRuns(values.iterations, '--iterations');
    const file = workload.wasmPath();
    const bytes = await readModuleFile(file);
    checkWasmMagic(bytes, file);
    const notes: string[] = [];
    const compile = await measureCompileTable(bytes, runs, io.stderr, 'compile table', runs > 1);

    const spec = (engine: ChildSpec['engine']): ChildSpec => ({
      workload: workload.name,
      engine,
      workers: engine === 'wasmloom' ? RUN_WORKERS : undefined,
      iterations,
    });
    const native = await runChild(spec('native'), io);
    const wasmloom = await runChild(spec('wasmloom'), io);

    let failure: string | null = null;
    if (!isResult(wasmloom))
      failure = `${workload.package} on wasmloom failed during ${wasmloom.phase}: ${wasmloom.error}`;
    else if (!isResult(native))
      failure = `${workload.package} on native WebAssembly failed during ${native.phase}: ${native.error}`;
    else if (native.output.sha256 !== wasmloom.output.sha256)
      failure = `${workload.package} gave a different output on wasmloom (${wasmloom.output.length} characters) from native (${native.output.length})`;

    const report: DemoReport = {
      workload: workload.name,
      package: workload.package,
      work: workload.work,
      module: { file, size: bytes.length },
      compile,
      run: { native, wasmloom },
      ok: failure === null,
      failure,
      notes,
    };
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDemo(report));
    return failure ? EXIT_FAILURE : 0;
  },
};
