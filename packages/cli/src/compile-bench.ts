/**
 * Compile-time measurements shared by `wasmloom bench` and the main job: the
 * same bytes compiled by native WebAssembly and by wasmloom with 0, 1 and 2
 * worker threads.
 *
 * Two things keep the native figures honest. V8 keeps compiled modules in a
 * process-wide cache keyed by the bytes, so a second compile of the same bytes
 * costs nothing: each compile gets bytes made unique by a small custom section
 * (which no engine reads). And V8 compiles lazily by default (a function is
 * compiled on its first call), so the native compile is measured both ways:
 * lazy, what users get, and eager (`--no-wasm-lazy-compilation`, every function
 * through Liftoff), which is the like-for-like figure, since wasmloom compiles
 * every function up front.
 */
import v8 from 'node:v8';
import { createEngine, type EngineOptions, nativeWebAssembly } from './engine.js';
import { median } from './format.js';
import type { Output } from './io.js';
import { CompileProgressBar } from './progress.js';

export type CompileConfig =
  | { kind: 'native'; eager: boolean; label: string }
  | { kind: 'wasmloom'; workers: number | undefined; label: string };

export interface CompileTiming {
  label: string;
  kind: 'native' | 'wasmloom';
  /** wasmloom's compile threads (null: its default); eager or lazy for native. */
  workers: number | null;
  eager: boolean | null;
  runs: number;
  /** The first compile (threads starting, code cold), and the median of all runs. */
  firstMs: number;
  medianMs: number;
  minMs: number;
}

export function defaultCompileConfigs(workerCounts: readonly (number | undefined)[]): CompileConfig[] {
  return [
    { kind: 'native', eager: false, label: 'native WebAssembly (lazy, V8 default)' },
    { kind: 'native', eager: true, label: 'native WebAssembly (eager, every function)' },
    ...workerCounts.map(
      (workers): CompileConfig => ({
        kind: 'wasmloom',
        workers,
        label:
          workers === undefined
            ? 'wasmloom (calling thread, no pool)'
            : workers === 0
              ? 'wasmloom, 0 workers (this thread)'
              : `wasmloom, ${workers} worker${workers === 1 ? '' : 's'}`,
      }),
    ),
  ];
}

let nonceCounter = 0;

/** `bytes` plus a custom section "wasmloom-bench" holding a counter: new bytes, the same module. */
export function uniqueBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode('wasmloom-bench');
  const payload = new TextEncoder().encode(`${process.pid}-${nonceCounter++}`.padEnd(24, '.'));
  const content = [name.length, ...name, ...payload];
  const out = new Uint8Array(bytes.length + 2 + content.length);
  out.set(bytes);
  out.set([0, content.length, ...content], bytes.length); // content.length < 128: one LEB byte
  return out;
}

async function compileNative(bytes: Uint8Array<ArrayBuffer>, eager: boolean): Promise<number> {
  v8.setFlagsFromString(eager ? '--no-wasm-lazy-compilation' : '--wasm-lazy-compilation');
  try {
    const t0 = performance.now();
    await nativeWebAssembly.compile(bytes);
    return performance.now() - t0;
  } finally {
    v8.setFlagsFromString('--wasm-lazy-compilation');
  }
}

/**
 * Compiles `bytes` `runs` times under each config, in order. `progress` (the
 * engine's onProgress) is passed to the wasmloom namespaces; `onRun` hears of
 * each compile before it starts.
 */
export async function measureCompiles(
  bytes: Uint8Array,
  configs: readonly CompileConfig[],
  runs: number,
  hooks: {
    onProgress?: EngineOptions['onProgress'];
    onRun?: (config: CompileConfig, run: number) => void;
  } = {},
): Promise<CompileTiming[]> {
  const results: CompileTiming[] = [];
  for (const config of configs) {
    const times: number[] = [];
    const engine =
      config.kind === 'wasmloom'
        ? createEngine({ workers: config.workers, onProgress: hooks.onProgress })
        : undefined;
    for (let run = 0; run < runs; run++) {
      hooks.onRun?.(config, run);
      const input = uniqueBytes(bytes);
      if (config.kind === 'native') {
        times.push(await compileNative(input, config.eager));
      } else {
        const t0 = performance.now();
        await engine!.compile(input);
        times.push(performance.now() - t0);
      }
    }
    results.push({
      label: config.label,
      kind: config.kind,
      workers: config.kind === 'wasmloom' ? (config.workers ?? null) : null,
      eager: config.kind === 'native' ? config.eager : null,
      runs,
      firstMs: times[0],
      medianMs: median(times),
      minMs: Math.min(...times),
    });
  }
  return results;
}

/**
 * `measureCompiles` over native and wasmloom on 0, 1 and 2 workers
 * (`defaultCompileConfigs`), with a progress bar titled `title` on `stderr`:
 * the table of `wasmloom bench` and of the demo.
 */
export async function measureCompileTable(
  bytes: Uint8Array,
  runs: number,
  stderr: Output,
  title: string,
  showRun: boolean,
): Promise<CompileTiming[]> {
  const configs = defaultCompileConfigs([0, 1, 2]);
  const progress = new CompileProgressBar(stderr, title);
  try {
    return await measureCompiles(bytes, configs, runs, {
      onProgress: progress.onProgress,
      onRun: (config, run) =>
        progress.bar.update(
          (configs.indexOf(config) + run / runs) / configs.length,
          `${config.label}${showRun ? `, run ${run + 1}/${runs}` : ''}`,
        ),
    });
  } finally {
    progress.done();
  }
}
