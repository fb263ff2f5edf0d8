/**
 * Runs the manifest's scripts, group by group. Scripts run in a pool of
 * worker threads: a script that hangs (an endless loop in compiled code cannot
 * be interrupted in-process) is stopped by terminating its worker after the
 * timeout and counted as failed. Groups run one after another because a group's
 * features may be process-wide (V8 flags for the native engine).
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EngineName } from './providers.js';
import { failedScript, type ScriptResult } from './run-script.js';
import {
  featuresForGroup,
  type ManifestEntry,
  manifestCommandCount,
  readManifest,
  scriptJsonPath,
} from './suite.js';
import { NamespaceCache, readScript, runTask, type ScriptTask, type TaskReply } from './task.js';

export interface SuiteOptions {
  engine: EngineName;
  /** Test suite directory (see `locateTestsuite`). */
  dir: string;
  /** Only files whose manifest path contains this. */
  filter?: string;
  /** Worker threads; 0 runs in-process (no hard timeout). */
  jobs: number;
  /** Per-script budget: commands stop running after it, and the worker is killed a little later. */
  timeoutMs: number;
  useRawHook: boolean;
  /** Failure records kept per script (counts are always complete). */
  maxFailures: number;
  onGroupStart?: (group: string, entries: ManifestEntry[]) => void;
  onScript?: (file: FileResult) => void;
  onGroupEnd?: (group: string, files: FileResult[], ms: number) => void;
}

export interface FileResult extends ScriptResult {
  file: string;
  group: string;
  /** Commands the manifest lists for the file (should equal `total`). */
  manifestTotal: number;
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
        resolve(failedScript(readScript(task.jsonPath), reason, performance.now() - start));
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

export async function runSuite(opts: SuiteOptions): Promise<FileResult[]> {
  const entries = selectEntries(opts.dir, opts.filter);
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of entries) {
    const list = groups.get(e.group) ?? [];
    list.push(e);
    groups.set(e.group, list);
  }
  const pool = opts.jobs > 0 ? new Pool(opts.jobs) : undefined;
  const cache = new NamespaceCache();
  const results = new Map<string, FileResult>();
  let id = 0;
  try {
    for (const [group, list] of groups) {
      opts.onGroupStart?.(group, list);
      const groupStart = performance.now();
      const features = featuresForGroup(group);
      // Biggest scripts first, so the pool's workers finish together.
      const ordered = [...list].sort(
        (a, b) =>
          statSync(scriptJsonPath(opts.dir, b.file)).size - statSync(scriptJsonPath(opts.dir, a.file)).size,
      );
      const tasks: ScriptTask[] = ordered.map((e) => ({
        id: id++,
        engine: opts.engine,
        features,
        jsonPath: scriptJsonPath(opts.dir, e.file),
        timeLimitMs: opts.timeoutMs,
        useRawHook: opts.useRawHook,
        maxFailures: opts.maxFailures,
      }));
      const done = (i: number, r: ScriptResult) => {
        const fr: FileResult = {
          file: ordered[i].file,
          group,
          manifestTotal: manifestCommandCount(ordered[i]),
          ...r,
        };
        results.set(fr.file, fr);
        opts.onScript?.(fr);
      };
      if (pool) {
        await pool.runAll(tasks, opts.timeoutMs + HARD_TIMEOUT_GRACE_MS, done);
      } else {
        for (let i = 0; i < tasks.length; i++) done(i, await runTask(tasks[i], cache));
      }
      opts.onGroupEnd?.(
        group,
        list.map((e) => results.get(e.file)!),
        performance.now() - groupStart,
      );
    }
  } finally {
    await pool?.close();
  }
  return entries.map((e) => results.get(e.file)!);
}
