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
 *   node benchmarks/dist/run.bench.js [--runs N] [--warmup N] [--only name,name]
 *                                     [--engines native,wasmloom,polywasm]
 */
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

function parseArgs(argv: string[]): { runs: number; warmup: number; only: string[]; engines: string[] } {
  const opts = { runs: 5, warmup: 2, only: [] as string[], engines: ['native', 'wasmloom', 'polywasm'] };
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
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node benchmarks/dist/run.bench.js [--runs N] [--warmup N] [--only k1,k2] [--engines native,wasmloom,polywasm]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (Number.isNaN(opts.runs) || Number.isNaN(opts.warmup))
    throw new Error('--runs and --warmup take integers');
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

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const all: Engine[] = [
    { name: 'native', ns: globalThis.WebAssembly as unknown as Namespace, fatal: true },
    { name: 'wasmloom', ns: Loom as unknown as Namespace, fatal: true },
    { name: 'polywasm', ns: Polywasm, fatal: false },
  ];
  const engines = all.filter((e) => opts.engines.includes(e.name));
  if (!engines.some((e) => e.name === 'native'))
    throw new Error('--engines must include native (the baseline)');
  const kernels = KERNELS.filter((k) => opts.only.length === 0 || opts.only.includes(k.name));

  console.log(
    `runtime benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `median of ${opts.runs} timed runs after ${opts.warmup} warm-up runs, engines interleaved`,
  );
  let failed = false;
  const rows: string[][] = [];
  for (const kernel of kernels) {
    const bytes = kernelBytes(kernel);
    const entries: Entry[] = engines.map((engine) => ({
      engine,
      ...load(engine, bytes),
      times: [],
      wrong: undefined,
      hasWrong: false,
    }));
    for (const entry of entries) {
      for (let i = 0; i < opts.warmup && entry.run; i++) call(entry, kernel, false);
    }
    for (let round = 0; round < opts.runs; round++) {
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[(round + k) % entries.length];
        if (entry.run) call(entry, kernel, true);
      }
    }
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
    rows.push([`${kernel.name}: ${kernel.what}, run(${kernel.size})`, ...cells]);
    console.error(`done: ${kernel.name}`);
  }

  const header = [
    'kernel',
    ...engines.map((e) => (e.name === 'native' ? 'native ms' : `${e.name} ms (ratio)`)),
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
