/**
 * Compile speed on real modules: wasmloom on the calling thread and on 1 and
 * 2 worker threads, polywasm, and Node's native WebAssembly, each measurement
 * in a fresh process (cold JIT, cold threads: a page's or a CLI's first
 * compile), the configurations interleaved run by run so background load
 * falls on all alike, medians reported.
 *
 * - wasmloom `compile(bytes)`: `workers: 0`, 1, 2 (`inlineThreshold: 0`, so
 *   even sql.js goes to the threads); then a second compile of the same bytes
 *   in the same process ("warm": threads running, compiler JIT-compiled).
 * - wasmloom `compileStreaming` of a throttled body (64 KiB every
 *   `--every-ms`): how long after the last byte the module is ready.
 * - polywasm `compile`: it translates a function on its first call, so this
 *   is its parse, not a translation of every body.
 * - native `WebAssembly.compile`: V8's default (lazy: bodies are validated,
 *   compiled on first call), and eager Liftoff in a child run with
 *   `--no-wasm-lazy-compilation --liftoff-only`.
 * - with `--jitless`, also wasmloom inline and on 2 threads and polywasm in
 *   `node --jitless` children (no JIT, no native WebAssembly: the compiler
 *   itself runs interpreted, as in Lockdown Mode); their "× inline" is against
 *   the jitless inline run, and "× native" (every row) is against native
 *   WebAssembly with the JIT, for scale.
 *
 * Per run, from Linux's /proc/self/task/<thread>/schedstat: CPU time of all
 * threads (V8's own helper threads included) and of the busiest thread, which
 * on a machine shared with other work tells compile work from waiting for a
 * core; the peak RSS growth over the compile, and what the module still
 * holds after a full GC (JS heap and external memory); and, from /proc/stat, the CPU
 * time other processes took during the compile ("other load", in cores: on 2
 * cores, 1.0 leaves this process one core). `--idle-below x` waits (up to
 * `--idle-wait` seconds) before each run until the other load over the last
 * second is below x cores, and runs again (up to `--retries` times) a run
 * during which it was x or more, keeping the least disturbed one.
 *
 *   node benchmarks/dist/compile.bench.js [--runs 3] [--only sql.js,esbuild-wasm]
 *                                         [--configs inline,1,2,...] [--every-ms 16]
 *                                         [--idle-below 0.3] [--idle-wait 120] [--retries 3] [--jitless]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebAssembly as Polywasm } from 'polywasm';
import { createWebAssembly } from 'wasmloom';
import { machineBusyMs, median, ownCpuMs } from './cpu-time.js';

interface RealModule {
  name: string;
  /** What `import.meta.resolve` finds it by (devDependencies of this package). */
  specifier: string;
}

const MODULES: RealModule[] = [
  { name: 'sql.js', specifier: 'sql.js/dist/sql-wasm.wasm' },
  { name: '@resvg/resvg-wasm', specifier: '@resvg/resvg-wasm/index_bg.wasm' },
  { name: 'esbuild-wasm', specifier: 'esbuild-wasm/esbuild.wasm' },
  { name: '@ffmpeg/core', specifier: '@ffmpeg/core/wasm' },
];

interface Config {
  name: string;
  /** V8 flags of the child process. */
  flags?: string[];
  /** Streams the body at 64 KiB every `--every-ms`. */
  stream?: boolean;
}

const CONFIGS: Config[] = [
  { name: 'inline' },
  { name: '1 thread' },
  { name: '2 threads' },
  { name: 'stream inline', stream: true },
  { name: 'stream 2 threads', stream: true },
  { name: 'polywasm' },
  { name: 'native' },
  { name: 'native Liftoff', flags: ['--no-wasm-lazy-compilation', '--liftoff-only'] },
  { name: 'stream native', stream: true },
];

/** Added by `--jitless` (their "× inline" is against "inline --jitless"). */
const JITLESS_CONFIGS: Config[] = [
  { name: 'inline --jitless', flags: ['--jitless'] },
  { name: '2 threads --jitless', flags: ['--jitless'] },
  { name: 'polywasm --jitless', flags: ['--jitless'] },
];
const isJitless = (c: Config) => c.flags?.includes('--jitless') === true;

const STREAM_CHUNK = 64 * 1024;
/** Targets of the issue: 2 threads vs inline, time after the last byte, peak memory. */
const SPEEDUP_TARGET = 1.7;
const TAIL_TARGET = 0.1;
const MEMORY_TARGET = 8;

/** One child's measurement. */
interface Sample {
  ms: number;
  /** A second compile in the same process. */
  warmMs?: number;
  /** Streams: when the last byte was handed out, relative to the start. */
  lastByteMs?: number;
  cpuMs: number;
  busiestMs: number;
  rssGrowth: number;
  /** CPU time of other processes during the compile, in cores (NaN where /proc/stat is missing). */
  otherCores: number;
  /** JS heap and external memory the compiled module holds: growth over the compile, after a full GC. */
  retained: number;
  error?: string;
}

// ---- The child: one measurement ---------------------------------------------------

/** Run time of every thread of this process, in ms (empty where /proc is missing). */
function threadTimes(): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const task of readdirSync('/proc/self/task')) {
      try {
        const run = Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0]);
        times.set(task, run / 1e6);
      } catch {} // the thread has just left
    }
  } catch {}
  return times;
}

function cpuSince(before: Map<string, number>): { cpuMs: number; busiestMs: number } {
  let cpuMs = 0;
  let busiestMs = 0;
  for (const [task, run] of threadTimes()) {
    const ms = run - (before.get(task) ?? 0);
    cpuMs += ms;
    busiestMs = Math.max(busiestMs, ms);
  }
  return { cpuMs, busiestMs };
}

/**
 * `bytes` as a wasm Response whose body arrives `STREAM_CHUNK` bytes every
 * `everyMs`, on a schedule fixed from the start: a chunk that is due while
 * the reader is busy waits for it, as data waits in a socket's buffer.
 */
function throttledResponse(bytes: Uint8Array, everyMs: number, log: { lastByteAt: number }): Response {
  let at = 0;
  const start = performance.now();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (at >= bytes.length) return controller.close();
        const due = start + ((at + STREAM_CHUNK) / STREAM_CHUNK) * everyMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        controller.enqueue(bytes.slice(at, at + STREAM_CHUNK));
        at += STREAM_CHUNK;
        // When the last byte reached the "socket", whether or not the reader was free to take it.
        if (at >= bytes.length) log.lastByteAt = due;
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
}

type Compiler = Pick<typeof WebAssembly, 'compile' | 'compileStreaming'>;

function compilerFor(config: string): Compiler {
  if (config.startsWith('polywasm')) return Polywasm as unknown as Compiler;
  if (config.includes('native')) return WebAssembly;
  const workers = config.includes('2') ? 2 : config.includes('1') ? 1 : 0;
  return createWebAssembly({ workers, inlineThreshold: 0 }) as unknown as Compiler;
}

/** Bytes of JS heap in use and of memory outside it that JS objects hold (array buffers among them). */
function held(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function measure(path: string, config: Config, everyMs: number): Promise<Sample> {
  const bytes = new Uint8Array(readFileSync(path));
  const ns = compilerFor(config.name);
  const log = { lastByteAt: 0 };
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const heldBefore = held();
  const rssBefore = process.memoryUsage().rss;
  const before = threadTimes();
  const machineBefore = machineBusyMs();
  const ownBefore = ownCpuMs();
  const start = performance.now();
  // Holds the compiled module until peak memory is read; dropped before the warm compile.
  // biome-ignore lint/correctness/noUnusedVariables: kept alive on purpose, never read
  let module: unknown;
  try {
    module = config.stream
      ? await ns.compileStreaming(throttledResponse(bytes, everyMs, log))
      : await ns.compile(bytes);
  } catch (e) {
    const message = (e as Error).message.replace(/^WebAssembly\.\w+\(\): /, '');
    return { ms: 0, cpuMs: 0, busiestMs: 0, rssGrowth: 0, otherCores: 0, retained: 0, error: message };
  }
  const ms = performance.now() - start;
  const cpu = cpuSince(before);
  const other = machineBusyMs() - machineBefore - (ownCpuMs() - ownBefore);
  const rssGrowth = process.resourceUsage().maxRSS * 1024 - rssBefore;
  gc();
  const retained = held() - heldBefore;
  const sample: Sample = { ms, ...cpu, rssGrowth, otherCores: Math.max(0, other) / ms, retained };
  if (config.stream) {
    sample.lastByteMs = log.lastByteAt - start;
  } else if (!config.name.includes('native')) {
    module = undefined;
    const again = performance.now();
    await ns.compile(bytes);
    sample.warmMs = performance.now() - again;
  }
  return sample;
}

// ---- The parent: runs, medians, tables ----------------------------------------------

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/**
 * Waits until other processes used less than `cores` cores over the last
 * second (this parent idles meanwhile), at most `maxSeconds`; the load seen last.
 */
function waitForIdle(cores: number, maxSeconds: number): number {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let load = Number.NaN;
  for (let waited = 0; waited <= maxSeconds; waited++) {
    const before = machineBusyMs();
    Atomics.wait(pause, 0, 0, 1000);
    load = (machineBusyMs() - before) / 1000;
    if (!(load >= cores)) break;
  }
  return load;
}

function runChild(path: string, config: Config, everyMs: number): Sample {
  const self = fileURLToPath(import.meta.url);
  // --expose-gc: a full collection before the compile and after it, for the retained memory.
  const out = execFileSync(process.execPath, ['--expose-gc', ...(config.flags ?? []), self], {
    env: { ...process.env, COMPILE_BENCH_CHILD: JSON.stringify({ path, config, everyMs }) },
    maxBuffer: 1 << 20,
    timeout: 600_000,
  });
  return JSON.parse(out.toString()) as Sample;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      configs: { type: 'string' },
      'every-ms': { type: 'string', default: '16' },
      'idle-below': { type: 'string' },
      'idle-wait': { type: 'string', default: '120' },
      retries: { type: 'string', default: '3' },
      jitless: { type: 'boolean', default: false },
    },
  });
  const idleBelow = values['idle-below'] === undefined ? undefined : Number(values['idle-below']);
  const idleWait = Number(values['idle-wait']);
  const retries = Number(values.retries);
  const runs = Number(values.runs);
  const everyMs = Number(values['every-ms']);
  const only = values.only?.split(',');
  const known = values.jitless ? [...CONFIGS, ...JITLESS_CONFIGS] : CONFIGS;
  const configs = values.configs ? known.filter((c) => values.configs!.split(',').includes(c.name)) : known;
  if (!(runs >= 1) || !(everyMs >= 0)) throw new Error('--runs must be ≥ 1 and --every-ms ≥ 0');

  console.log(
    `Compile benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`,
  );
  console.log(
    `median of ${runs} runs, each in a fresh process; MB = 10^6 bytes of the whole module; ` +
      `streams: 64 KiB every ${everyMs} ms (${fmt(STREAM_CHUNK / 1e3 / everyMs, 1)} MB/s)\n`,
  );

  const loads: number[] = [];
  const compileRows: string[][] = [];
  const streamRows: string[][] = [];
  const verdicts: string[] = [];
  const skipped: string[] = [];
  const rejections = new Set<string>();
  for (const m of MODULES) {
    if (only && !only.includes(m.name)) continue;
    let path: string;
    try {
      path = fileURLToPath(import.meta.resolve(m.specifier));
      if (!existsSync(path)) throw new Error('missing');
    } catch {
      skipped.push(`${m.name} (${m.specifier} is not installed)`);
      continue;
    }
    const size = readFileSync(path).length;
    const samples = new Map<Config, Sample[]>(configs.map((c) => [c, []]));
    for (let r = 0; r < runs; r++) {
      for (const config of configs) {
        process.stderr.write(`${m.name}: ${config.name}, run ${r + 1}/${runs}\n`);
        let sample: Sample | undefined;
        for (let attempt = 0; attempt <= (idleBelow === undefined ? 0 : retries); attempt++) {
          if (idleBelow !== undefined) waitForIdle(idleBelow, idleWait);
          loads.push(loadavg()[0]);
          const run = runChild(path, config, everyMs);
          if (sample === undefined || run.otherCores < sample.otherCores) sample = run;
          if (idleBelow === undefined || !(sample.otherCores >= idleBelow)) break;
          process.stderr.write(`  other load ${fmt(run.otherCores, 2)} cores: again\n`);
        }
        samples.get(config)!.push(sample!);
      }
    }
    const medianOf = (c: Config, key: keyof Sample) => median(samples.get(c)!.map((s) => s[key] as number));
    const okMedian = (name: string) => {
      const c = configs.find((x) => x.name === name);
      return c && !samples.get(c)![0].error ? medianOf(c, 'ms') : Number.NaN;
    };
    const inline = configs.find((c) => c.name === 'inline');
    const nativeMs = okMedian('native');

    for (const config of configs) {
      const error = samples.get(config)!.find((s) => s.error)?.error;
      const sizeCell = `${fmt(size / 1e6, 1)} MB`;
      if (error !== undefined) {
        (config.stream ? streamRows : compileRows).push([
          m.name,
          sizeCell,
          config.name,
          'rejected',
          ...new Array(config.stream ? 4 : 8).fill(''),
        ]);
        rejections.add(`${m.name} (${config.name.includes('polywasm') ? 'polywasm' : 'wasmloom'}): ${error}`);
        continue;
      }
      const ms = medianOf(config, 'ms');
      const growth = medianOf(config, 'rssGrowth');
      const other = medianOf(config, 'otherCores');
      const otherCell = Number.isNaN(other) ? '' : fmt(other, 2);
      if (config.stream) {
        const lastByte = medianOf(config, 'lastByteMs');
        const tail = median(samples.get(config)!.map((s) => s.ms - s.lastByteMs!));
        streamRows.push([
          m.name,
          sizeCell,
          config.name,
          fmt(lastByte),
          fmt(ms),
          fmt(tail),
          `${fmt((tail / ms) * 100, 1)}%`,
          otherCell,
        ]);
        if (config.name === 'stream 2 threads') {
          verdicts.push(
            `${m.name}: after the last byte ${fmt((tail / ms) * 100, 1)}% of the whole on 2 threads ` +
              `(target ≤ ${TAIL_TARGET * 100}%: ${tail / ms <= TAIL_TARGET ? 'met' : 'missed'})`,
          );
        }
        continue;
      }
      const warm = samples.get(config)![0].warmMs === undefined ? Number.NaN : medianOf(config, 'warmMs');
      const inlineMs = okMedian(isJitless(config) ? 'inline --jitless' : 'inline');
      compileRows.push([
        m.name,
        sizeCell,
        config.name,
        fmt(ms),
        fmt(size / 1e3 / ms, 2),
        Number.isNaN(inlineMs) ? '' : fmt(inlineMs / ms, 2),
        Number.isNaN(nativeMs) ? '' : fmt(ms / nativeMs, 1),
        Number.isNaN(warm) ? '' : fmt(warm),
        `${fmt(medianOf(config, 'cpuMs') / 1e3, 2)} / ${fmt(medianOf(config, 'busiestMs') / 1e3, 2)}`,
        `${fmt(growth / 1e6)} MB (${fmt(growth / size, 1)}×)`,
        `${fmt(medianOf(config, 'retained') / 1e6)} MB (${fmt(medianOf(config, 'retained') / size, 1)}×)`,
        otherCell,
      ]);
      if (config.name === 'inline') {
        verdicts.push(
          `${m.name}: inline peak RSS growth ${fmt(growth / size, 1)}× the module ` +
            `(target ≤ ${MEMORY_TARGET}×: ${growth / size <= MEMORY_TARGET ? 'met' : 'missed'}), ` +
            `retained after GC ${fmt(medianOf(config, 'retained') / size, 1)}×`,
        );
      }
      if (config.name === '2 threads --jitless' && !Number.isNaN(inlineMs)) {
        verdicts.push(
          `${m.name}: --jitless, 2 threads vs inline ${fmt(inlineMs / ms, 2)}× cold ` +
            `(target ≥ ${SPEEDUP_TARGET}×: ${inlineMs / ms >= SPEEDUP_TARGET ? 'met' : 'missed'})`,
        );
      }
      if (config.name === '2 threads' && !Number.isNaN(inlineMs)) {
        const inlineWarm = medianOf(inline!, 'warmMs');
        const inlineBusiest = medianOf(inline!, 'busiestMs');
        verdicts.push(
          `${m.name}: 2 threads vs inline ${fmt(inlineMs / ms, 2)}× cold, ${fmt(inlineWarm / warm, 2)}× warm, ` +
            `${fmt(inlineBusiest / medianOf(config, 'busiestMs'), 2)}× by busiest thread ` +
            `(target ≥ ${SPEEDUP_TARGET}×: ${inlineMs / ms >= SPEEDUP_TARGET ? 'met' : 'missed'} cold); ` +
            `peak RSS growth ${fmt(growth / size, 1)}× the module (target ≤ ${MEMORY_TARGET}×: ${growth / size <= MEMORY_TARGET ? 'met' : 'missed'})`,
        );
      }
    }
  }

  console.log(
    markdownTable(
      [
        'module',
        'size',
        'compile',
        'median ms',
        'MB/s',
        '× inline',
        '× native',
        'warm ms',
        'CPU s all / busiest',
        'peak RSS growth',
        'retained after GC',
        'other load',
      ],
      compileRows,
    ),
  );
  console.log();
  console.log(
    markdownTable(
      [
        'module',
        'size',
        'stream',
        'last byte at ms',
        'ready at ms',
        'after last byte ms',
        'share',
        'other load',
      ],
      streamRows,
    ),
  );
  console.log();
  for (const v of verdicts) console.log(v);
  for (const r of rejections) console.log(`rejected: ${r}`);
  if (skipped.length > 0) console.log(`skipped: ${skipped.join('; ')}`);
  console.log(
    `load average (1 min) during the runs: ${fmt(Math.min(...loads), 2)} to ${fmt(Math.max(...loads), 2)}`,
  );
}

if (process.env.COMPILE_BENCH_CHILD) {
  const { path, config, everyMs } = JSON.parse(process.env.COMPILE_BENCH_CHILD);
  const sample = await measure(path, config, everyMs);
  process.stdout.write(JSON.stringify(sample));
  // Threads idle out on their own; a benchmark need not wait for them.
  process.exit(0);
} else {
  main();
}
