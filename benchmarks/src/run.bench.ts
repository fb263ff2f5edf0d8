/**
 * Runtime speed of compiled code, in one run on one machine: each kernel of
 * fixtures/kernels/ (see ./kernels/list.ts) on Node's native WebAssembly,
 * wasmloom and polywasm.
 *
 * Per kernel and engine: compile and instantiate (not timed), `--warmup` calls
 * of `run(size)` (default 2) so every engine has tiered up, then `--runs` timed
 * calls (default 5) reported as their median. The timed calls are interleaved
 * round by round, the order of the engines rotating each round, so background
 * load on the machine falls on all engines alike. Every call's result is checked
 * against the kernel's expected checksum: a wrong result is printed loudly and
 * marks the engine's time as invalid; for native or wasmloom it also makes the
 * exit code 1. (polywasm computes f32 arithmetic in f64 precision, so its f32
 * checksum is expected to differ; that is reported, not fatal.)
 *
 * With `--jitless`, each kernel also runs on wasmloom and polywasm in a fresh
 * `node --jitless` process (no JIT, no native WebAssembly: the interpreter
 * runs the generated code), `--jitless-runs` timed calls (default 3) after
 * `--jitless-warmup` (default 1), reported beside the JIT figures with the
 * ratio to native-with-JIT for scale.
 *
 *   node benchmarks/dist/run.bench.js [--runs N] [--warmup N] [--only name,name]
 *                                     [--engines native,wasmloom,polywasm]
 *                                     [--jitless [--jitless-runs N] [--jitless-warmup N]]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WebAssembly as Polywasm } from 'polywasm';
import { WebAssembly as Loom } from 'wasmloom';
import { KERNELS, type Kernel } from './kernels/list.js';

interface Namespace {
  Module: new (bytes: BufferSource) => object;
  Instance: new (module: object, importObject?: object) => object;
}

interface Engine {
  name: string;
  ns: Namespace;
  /** A wrong checksum from this engine fails the run (exit code 1). */
  fatal: boolean;
}

type Run = (size: number) => unknown;

/** An engine's state for one kernel. */
interface Entry {
  engine: Engine;
  run: Run | null;
  /** Why `run` is null: not available, or an error. */
  unavailable: string;
  times: number[];
  wrong: unknown;
  hasWrong: boolean;
}

const NOT_IMPLEMENTED = /not implemented/i;

interface Options {
  runs: number;
  warmup: number;
  only: string[];
  engines: string[];
  jitless: boolean;
  jitlessRuns: number;
  jitlessWarmup: number;
  /** This is a `node --jitless` child: measure, print JSON, no table. */
  child: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    runs: 5,
    warmup: 2,
    only: [],
    engines: ['native', 'wasmloom', 'polywasm'],
    jitless: false,
    jitlessRuns: 3,
    jitlessWarmup: 1,
    child: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') opts.runs = Math.max(1, Number.parseInt(value(), 10));
    else if (arg === '--warmup') opts.warmup = Math.max(0, Number.parseInt(value(), 10));
    else if (arg === '--only') opts.only = value().split(',');
    else if (arg === '--engines') opts.engines = value().split(',');
    else if (arg === '--jitless') opts.jitless = true;
    else if (arg === '--jitless-runs') opts.jitlessRuns = Math.max(1, Number.parseInt(value(), 10));
    else if (arg === '--jitless-warmup') opts.jitlessWarmup = Math.max(0, Number.parseInt(value(), 10));
    else if (arg === '--child') opts.child = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node benchmarks/dist/run.bench.js [--runs N] [--warmup N] [--only k1,k2] [--engines native,wasmloom,polywasm] [--jitless [--jitless-runs N] [--jitless-warmup N]]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if ([opts.runs, opts.warmup, opts.jitlessRuns, opts.jitlessWarmup].some(Number.isNaN))
    throw new Error('--runs, --warmup, --jitless-runs and --jitless-warmup take integers');
  return opts;
}

function kernelBytes(kernel: Kernel): Uint8Array {
  const url = new URL(`../../fixtures/kernels/${kernel.name}.wasm`, import.meta.url);
  // A fresh Uint8Array at offset 0: polywasm 0.2.0 misreads float constants from
  // a view that does not start at the beginning of its buffer (as readFileSync's
  // pooled Buffers may not).
  return new Uint8Array(readFileSync(url));
}

/** Compiles and instantiates; returns `run` or the reason there is none. */
function load(engine: Engine, bytes: Uint8Array): { run: Run | null; unavailable: string } {
  try {
    const module = new engine.ns.Module(bytes.slice());
    const instance = new engine.ns.Instance(module, {}) as { exports: Record<string, unknown> };
    const run = instance.exports.run;
    if (typeof run !== 'function') return { run: null, unavailable: 'error: no exported function `run`' };
    return { run: run as Run, unavailable: '' };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (engine.name === 'wasmloom' && NOT_IMPLEMENTED.test(message)) {
      return { run: null, unavailable: 'n/a (instantiation not implemented)' };
    }
    return { run: null, unavailable: `error: ${e instanceof Error ? e.name : 'throw'}: ${message}` };
  }
}

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

function show(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function call(entry: Entry, kernel: Kernel, timed: boolean): void {
  const run = entry.run!;
  const t0 = performance.now();
  let result: unknown;
  try {
    result = run(kernel.size);
  } catch (e) {
    entry.run = null;
    entry.unavailable = `error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    return;
  }
  const dt = performance.now() - t0;
  if (!same(result, kernel.expected) && !entry.hasWrong) {
    entry.hasWrong = true;
    entry.wrong = result;
    console.error(
      `!!! WRONG RESULT: ${entry.engine.name} ${kernel.name}: run(${kernel.size}) = ${show(result)}, expected ${show(kernel.expected)}`,
    );
  }
  if (timed) entry.times.push(dt);
}

/** Loads `kernel` on each engine, warms up, then times `runs` interleaved rounds. */
function measure(kernel: Kernel, engines: Engine[], runs: number, warmup: number): Entry[] {
  const bytes = kernelBytes(kernel);
  const entries: Entry[] = engines.map((engine) => ({
    engine,
    ...load(engine, bytes),
    times: [],
    wrong: undefined,
    hasWrong: false,
  }));
  for (const entry of entries) {
    for (let i = 0; i < warmup && entry.run; i++) call(entry, kernel, false);
  }
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(round + k) % entries.length];
      if (entry.run) call(entry, kernel, true);
    }
  }
  return entries;
}

/** One engine's figure from a `--jitless` child: a median, or why there is none. */
interface JitlessFigure {
  ms?: number;
  wrong?: boolean;
  unavailable?: string;
}

const JITLESS_ENGINES = ['wasmloom', 'polywasm'];

/** `kernel` on wasmloom and polywasm in a fresh `node --jitless` process. */
function measureJitless(kernel: Kernel, opts: Options): Record<string, JitlessFigure> {
  const args = ['--jitless', process.argv[1], '--child', '--only', kernel.name];
  args.push('--engines', JITLESS_ENGINES.filter((e) => opts.engines.includes(e)).join(','));
  args.push('--runs', String(opts.jitlessRuns), '--warmup', String(opts.jitlessWarmup));
  try {
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!);
  } catch (e) {
    const message = String((e as { stderr?: string }).stderr ?? e)
      .trim()
      .split('\n')[0];
    return Object.fromEntries(JITLESS_ENGINES.map((name) => [name, { unavailable: `error: ${message}` }]));
  }
}

/** The `--child` mode: figures as one JSON line, engine name → JitlessFigure. */
function child(opts: Options, engines: Engine[], kernel: Kernel): void {
  const figures: Record<string, JitlessFigure> = {};
  for (const entry of measure(kernel, engines, opts.runs, opts.warmup)) {
    if (!entry.run) figures[entry.engine.name] = { unavailable: entry.unavailable };
    else figures[entry.engine.name] = { ms: median(entry.times), wrong: entry.hasWrong };
  }
  console.log(JSON.stringify(figures));
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const all: Engine[] = [
    { name: 'native', ns: globalThis.WebAssembly as unknown as Namespace, fatal: true },
    { name: 'wasmloom', ns: Loom as unknown as Namespace, fatal: true },
    { name: 'polywasm', ns: Polywasm, fatal: false },
  ];
  const engines = all.filter((e) => opts.engines.includes(e.name));
  const kernels = KERNELS.filter((k) => opts.only.length === 0 || opts.only.includes(k.name));
  if (opts.child) {
    for (const kernel of kernels) child(opts, engines, kernel);
    return;
  }
  if (!engines.some((e) => e.name === 'native'))
    throw new Error('--engines must include native (the baseline)');
  const jitlessEngines = opts.jitless ? JITLESS_ENGINES.filter((e) => opts.engines.includes(e)) : [];

  console.log(
    `runtime benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `median of ${opts.runs} timed runs after ${opts.warmup} warm-up runs, engines interleaved` +
      (opts.jitless
        ? `; --jitless: a fresh process per kernel, median of ${opts.jitlessRuns} after ${opts.jitlessWarmup} warm-up`
        : ''),
  );
  let failed = false;
  const rows: string[][] = [];
  for (const kernel of kernels) {
    const entries = measure(kernel, engines, opts.runs, opts.warmup);
    const base = entries.find((e) => e.engine.name === 'native')!;
    const baseMs = base.run && !base.hasWrong ? median(base.times) : Number.NaN;
    const cells = entries.map((entry) => {
      if (!entry.run) {
        if (entry.unavailable.startsWith('error') && entry.engine.fatal) failed = true;
        console.error(`${entry.engine.name} ${kernel.name}: ${entry.unavailable}`);
        return entry.unavailable.startsWith('n/a') ? entry.unavailable : 'error (see above)';
      }
      if (entry.hasWrong && entry.engine.fatal) failed = true;
      const ms = median(entry.times);
      const wrong = entry.hasWrong ? ' WRONG RESULT' : '';
      if (entry === base) return `${ms.toFixed(1)}${wrong}`;
      const ratio = ms / baseMs;
      const target =
        entry.engine.name === 'wasmloom'
          ? ` ${ratio <= kernel.target ? 'ok' : 'over'} ≤${kernel.target}x`
          : '';
      return `${ms.toFixed(1)} (${ratio.toFixed(2)}x${target})${wrong}`;
    });
    if (jitlessEngines.length > 0) {
      const figures = measureJitless(kernel, opts);
      for (const name of jitlessEngines) {
        const f = figures[name] ?? { unavailable: 'error: no figure' };
        if (f.ms === undefined) {
          if (name === 'wasmloom') failed = true;
          console.error(`${name} --jitless ${kernel.name}: ${f.unavailable}`);
          cells.push('error (see above)');
          continue;
        }
        if (f.wrong && name === 'wasmloom') failed = true;
        cells.push(`${f.ms.toFixed(1)} (${(f.ms / baseMs).toFixed(1)}x)${f.wrong ? ' WRONG RESULT' : ''}`);
      }
    }
    rows.push([`${kernel.name}: ${kernel.what}, run(${kernel.size})`, ...cells]);
    console.error(`done: ${kernel.name}`);
  }

  const header = [
    'kernel',
    ...engines.map((e) => (e.name === 'native' ? 'native ms' : `${e.name} ms (ratio)`)),
    ...jitlessEngines.map((name) => `${name} --jitless ms (× native JIT)`),
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  if (failed) {
    console.error('FAILED: native or wasmloom returned a wrong checksum or could not run a kernel');
    process.exitCode = 1;
  }
}

main();
