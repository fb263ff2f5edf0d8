/**
 * Runs a suite's scripts (the 2.0 suite's manifest, or the 3.0 suite's
 * `.wast` files), a feature set at a time. Scripts run in a pool of worker
 * threads: a script that hangs (an endless loop in compiled code cannot be
 * interrupted in-process) is stopped by terminating its worker after the
 * timeout and counted as failed. Feature sets run one after another because
 * features may be process-wide (V8 flags for the native engine).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FeatureSet } from './namespace.js';
import type { EngineName } from './providers.js';
import { failedScript, type ScriptResult } from './run-script.js';
import {
  featuresForGroup,
  listSpec3,
  type ManifestEntry,
  manifestCommandCount,
  readManifest,
  SPEC3_FEATURES,
  scriptJsonPath,
} from './suite.js';
import {
  NamespaceCache,
  readTaskScript,
  runTask,
  type ScriptFormat,
  type ScriptTask,
  type TaskReply,
} from './task.js';

/** `2.0`: the wast2json suite of `../shared/testsuite`; `3.0`: the `.wast` suite of `../shared/spec-3.0`. */
export type SuiteName = '2.0' | '3.0';

/** One script of a suite. */
export interface SuiteEntry {
  /** Its name in the tables: the manifest path (2.0) or the path under the suite directory (3.0). */
  file: string;
  group: string;
  format: ScriptFormat;
  path: string;
  features: FeatureSet;
  /** Commands the manifest lists (2.0 only). */
  manifestTotal?: number;
}

export interface SuiteOptions {
  engine: EngineName;
  suite?: SuiteName;
  /** Test suite directory (see `locateTestsuite` / `locateSpec3`). */
  dir: string;
  /** Only files whose path contains this. */
  filter?: string;
  /** Worker threads; 0 runs in-process (no hard timeout). */
  jobs: number;
  /** Per-script budget: commands stop running after it, and the worker is killed a little later. */
  timeoutMs: number;
  useRawHook: boolean;
  /** Failure records kept per script (counts are always complete). */
  maxFailures: number;
  onGroupStart?: (group: string, entries: SuiteEntry[]) => void;
  onScript?: (file: FileResult) => void;
  onGroupEnd?: (group: string, files: FileResult[], ms: number) => void;
}

export interface FileResult extends ScriptResult {
  file: string;
  group: string;
  /** Commands the manifest lists for the file (should equal `total`); 2.0 only. */
  manifestTotal?: number;
}

/** Extra time after the soft budget before a worker is terminated. */
const HARD_TIMEOUT_GRACE_MS = 5_000;

interface PoolWorker {
  worker: Worker;
  busy: boolean;
}

class Pool {
  private readonly workers: PoolWorker[] = [];
  private readonly workerUrl = new URL('./worker.js', import.meta.url);

  constructor(private readonly size: number) {}

  private spawn(): PoolWorker {
    const w: PoolWorker = { worker: new Worker(this.workerUrl), busy: false };
    w.worker.unref();
    this.workers.push(w);
    return w;
  }

  private remove(w: PoolWorker): void {
    this.workers.splice(this.workers.indexOf(w), 1);
    void w.worker.terminate();
  }

  /** Runs the tasks (at most `size` at once); resolves with one result per task, in order. */
  async runAll(
    tasks: ScriptTask[],
    hardMs: number,
    onDone: (i: number, r: ScriptResult) => void,
  ): Promise<void> {
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < tasks.length) {
        const i = next++;
        const w = this.workers.find((x) => !x.busy) ?? this.spawn();
        w.busy = true;
        const result = await this.send(w, tasks[i], hardMs);
        w.busy = false;
        onDone(i, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.size, tasks.length) }, runOne));
  }

  private send(w: PoolWorker, task: ScriptTask, hardMs: number): Promise<ScriptResult> {
    const start = performance.now();
    return new Promise((resolve) => {
      const cleanup = () => {
        clearTimeout(timer);
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
        w.worker.off('exit', onExit);
      };
      const failWith = (reason: string) => {
        cleanup();
        this.remove(w);
        void readTaskScript(task).then((script) =>
          resolve(failedScript(script, reason, performance.now() - start)),
        );
      };
      const onMessage = (reply: TaskReply) => {
        if (reply.id !== task.id) return;
        cleanup();
        resolve(reply.result);
      };
      const onError = (e: Error) => failWith(`worker crashed: ${e.name}: ${e.message}`);
      const onExit = (code: number) => failWith(`worker exited with code ${code}`);
      const timer = setTimeout(() => failWith(`timed out after ${hardMs} ms (worker terminated)`), hardMs);
      w.worker.on('message', onMessage);
      w.worker.on('error', onError);
      w.worker.on('exit', onExit);
      w.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

/** The manifest entries selected by `filter`, in manifest order. */
export function selectEntries(dir: string, filter?: string): ManifestEntry[] {
  const entries = readManifest(dir);
  return filter ? entries.filter((e) => e.file.includes(filter)) : entries;
}

/** The scripts of a suite selected by `filter`, in table order. */
export function suiteEntries(suite: SuiteName, dir: string, filter?: string): SuiteEntry[] {
  if (suite === '2.0') {
    return selectEntries(dir, filter).map((e: ManifestEntry) => ({
      file: e.file,
      group: e.group,
      format: 'json',
      path: scriptJsonPath(dir, e.file),
      features: featuresForGroup(e.group),
      manifestTotal: manifestCommandCount(e),
    }));
  }
  return listSpec3(dir)
    .filter((e) => filter === undefined || e.file.includes(filter))
    .map((e) => ({ ...e, format: 'wast', path: join(dir, e.file), features: SPEC3_FEATURES }));
}

export async function runSuite(opts: SuiteOptions): Promise<FileResult[]> {
  const entries = suiteEntries(opts.suite ?? '2.0', opts.dir, opts.filter);
  // Groups of the same features run together (the whole 3.0 suite is one batch).
  const batches = new Map<string, SuiteEntry[]>();
  for (const e of entries) {
    const key = JSON.stringify(e.features);
    const list = batches.get(key) ?? [];
    list.push(e);
    batches.set(key, list);
  }
  const pool = opts.jobs > 0 ? new Pool(opts.jobs) : undefined;
  const cache = new NamespaceCache();
  const results = new Map<string, FileResult>();
  let id = 0;
  try {
    for (const list of batches.values()) {
      const groups = new Map<string, SuiteEntry[]>();
      for (const e of list) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
      for (const [group, members] of groups) opts.onGroupStart?.(group, members);
      const batchStart = performance.now();
      // Biggest scripts first, so the pool's workers finish together.
      const ordered = [...list].sort((a, b) => statSync(b.path).size - statSync(a.path).size);
      const tasks: ScriptTask[] = ordered.map((e) => ({
        id: id++,
        engine: opts.engine,
        features: e.features,
        format: e.format,
        path: e.path,
        timeLimitMs: opts.timeoutMs,
        useRawHook: opts.useRawHook,
        maxFailures: opts.maxFailures,
      }));
      const done = (i: number, r: ScriptResult) => {
        const e = ordered[i];
        const fr: FileResult = { file: e.file, group: e.group, ...r };
        if (e.manifestTotal !== undefined) fr.manifestTotal = e.manifestTotal;
        results.set(fr.file, fr);
        opts.onScript?.(fr);
      };
      if (pool) {
        await pool.runAll(tasks, opts.timeoutMs + HARD_TIMEOUT_GRACE_MS, done);
      } else {
        for (let i = 0; i < tasks.length; i++) done(i, await runTask(tasks[i], cache));
      }
      const ms = performance.now() - batchStart;
      for (const [group, members] of groups) {
        opts.onGroupEnd?.(
          group,
          members.map((e) => results.get(e.file)!),
          ms,
        );
      }
    }
  } finally {
    await pool?.close();
  }
  return entries.map((e) => results.get(e.file)!);
}
