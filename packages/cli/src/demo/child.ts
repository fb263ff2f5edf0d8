/**
 * One engine's run of a workload, in a process of its own (spawned by the
 * main job, `wasmloom demo`): a fresh process gives each engine a cold start
 * to measure, lets a package's one-per-process initialisation happen once per
 * engine, and means nothing can fall back to the other engine: for wasmloom,
 * Node's native namespace is deleted and wasmloom's installed in its place
 * before any package code runs.
 *
 *   node child.js '{"workload":"sqljs","engine":"wasmloom","workers":2,"iterations":5}'
 *
 * Prints one JSON line (`ChildResult`) on stdout; the progress bar goes to
 * stderr. Exits 0, or 1 with `{ "error": … }` when the run failed.
 */
import { createHash } from 'node:crypto';
import { moduleStats } from 'wasmloom';
import { compileStreaming, createEngine, describeError } from '../engine.js';
import { median } from '../format.js';
import { openModuleChunks } from '../module-file.js';
import { CompileProgressBar } from '../progress.js';
import { findWorkload } from './workloads.js';

export interface ChildSpec {
  workload: string;
  engine: 'native' | 'wasmloom';
  /** wasmloom's compile threads; undefined: its default. */
  workers?: number;
  /** Units of work after the first, for the steady state. */
  iterations: number;
}

export interface ChildResult {
  engine: 'native' | 'wasmloom';
  workers: number | null;
  /** Streaming the file into compileStreaming, to the Module. */
  compileMs: number;
  /** Instantiating through the package's glue, to ready for work. */
  instantiateMs: number;
  /** The first unit of work (cold code). */
  firstWorkMs: number;
  /** From the first byte read to the first result: compile + instantiate + first work. */
  firstResultMs: number;
  /** Median of the later units of work, and each of them. */
  steadyMs: number;
  steadyRuns: number[];
  /** The output of the first unit of work (each later one must equal it). */
  output: { length: number; sha256: string; head: string };
  /**
   * wasmloom (tiered loading): function sources emitted at first calls and on
   * the pool by the end of the run, of how many; and from the first byte read
   * to the last function emitted in the background (null if that did not end).
   */
  emitted?: { here: number; onPool: number; total: number; allEmittedMs: number | null };
}

export type ChildReport = ChildResult | { error: string; phase: string };

async function main(): Promise<number> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ChildSpec;
  const workload = findWorkload(spec.workload);
  if (!workload) throw new Error(`unknown workload '${spec.workload}'`);

  const progress = new CompileProgressBar(
    process.stderr,
    `${spec.engine === 'native' ? 'native' : 'wasmloom'}: compiling ${workload.package}`,
  );
  let engine: typeof WebAssembly = globalThis.WebAssembly;
  if (spec.engine === 'wasmloom') {
    engine = createEngine({
      workers: spec.workers,
      onProgress: (p) => {
        progress.onProgress(p);
        functionsTotal = p.functionsTotal ?? functionsTotal;
        if (p.functionsTotal && p.functionsEmitted === p.functionsTotal && allEmittedAt === null)
          allEmittedAt = performance.now();
      },
    }) as unknown as typeof WebAssembly;
    // Gone, not merely shadowed: nothing may fall back to the native engine.
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    Object.defineProperty(globalThis, 'WebAssembly', { value: engine, writable: true, configurable: true });
  }

  let functionsTotal = 0;
  let allEmittedAt: number | null = null;
  let phase = 'compile';
  const report = (r: ChildReport) => process.stdout.write(`${JSON.stringify(r)}\n`);
  try {
    const t0 = performance.now();
    const { chunks } = await openModuleChunks(workload.wasmPath(), progress.onRead);
    let module: WebAssembly.Module;
    try {
      module = await compileStreaming(engine, chunks);
    } finally {
      progress.done();
    }
    const t1 = performance.now();
    phase = 'instantiate';
    const work = await workload.start(module);
    const t2 = performance.now();
    phase = 'first unit of work';
    const first = await work();
    const t3 = performance.now();
    phase = 'steady state';
    const steadyRuns: number[] = [];
    for (let i = 0; i < spec.iterations; i++) {
      const s = performance.now();
      const out = await work();
      steadyRuns.push(performance.now() - s);
      if (out !== first) throw new Error(`run ${i + 2} gave a different output from the first`);
    }
    report({
      engine: spec.engine,
      workers: spec.workers ?? null,
      compileMs: t1 - t0,
      instantiateMs: t2 - t1,
      firstWorkMs: t3 - t2,
      firstResultMs: t3 - t0,
      steadyMs: median(steadyRuns),
      steadyRuns,
      output: {
        length: first.length,
        sha256: createHash('sha256').update(first).digest('hex'),
        head: first.slice(0, 120),
      },
      ...(spec.engine === 'wasmloom'
        ? {
            emitted: {
              here: moduleStats().functionsEmitted,
              onPool: moduleStats().functionsEmittedOnPool,
              total: functionsTotal,
              allEmittedMs: allEmittedAt === null ? null : allEmittedAt - t0,
            },
          }
        : {}),
    });
    return 0;
  } catch (err) {
    report({ error: describeError(err), phase });
    return 1;
  }
}

// Exit at once: a package's runtime (esbuild's Go scheduler) may keep timers alive.
main().then(
  (code) => process.exit(code),
  (err) => {
    process.stdout.write(`${JSON.stringify({ error: describeError(err), phase: 'setup' })}\n`);
    process.exit(1);
  },
);
