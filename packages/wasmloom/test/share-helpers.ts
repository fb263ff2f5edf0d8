/**
 * Workers (Node worker_threads here, Web Workers in packages/browser-tests)
 * load the BUILT wasmloom, while the tests run its sources: build first when
 * any source is newer than the last build. Test files run in parallel, so a
 * lock keeps builds one at a time.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
const packages = ['binary', 'compiler', 'runtime', 'pool', 'wasmloom'];

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** True when every package's dist is at least as new as its sources. */
function fresh(): boolean {
  for (const pkg of packages) {
    try {
      const builtAt = statSync(join(root, 'packages', pkg, 'tsconfig.tsbuildinfo')).mtimeMs;
      statSync(join(root, 'packages', pkg, 'dist', 'index.js'));
      if (newest(join(root, 'packages', pkg, 'src')) > builtAt) return false;
    } catch {
      return false;
    }
  }
  return true;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `build` under a lock directory unless `isFresh()`; waits for another process's build. */
export function buildOnce(lockName: string, isFresh: () => boolean, build: () => void): void {
  if (isFresh()) return;
  const lock = join(root, 'packages', 'wasmloom', 'node_modules', lockName);
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() - start > 240_000) throw new Error(`timed out waiting for ${lockName}`);
      sleep(200);
    }
  }
  try {
    if (!isFresh()) build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** `tsc -b packages/wasmloom` when a source changed (type errors still emit: the build is tested). */
export function ensureBuilt(): void {
  buildOnce('.build-lock', fresh, () => {
    try {
      execSync('npx tsc -b packages/wasmloom', { cwd: root, stdio: 'pipe' });
    } catch (e) {
      statSync(join(root, 'packages', 'wasmloom', 'dist', 'index.js'));
      const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
      console.warn(
        `tsc -b packages/wasmloom reported errors; testing the emitted build:\n${out.slice(0, 2000)}`,
      );
    }
  });
}

/** URL of a file of the built wasmloom (for workers). */
export const distUrl = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;

export const sqlJsDir = join(root, 'benchmarks', 'node_modules', 'sql.js', 'dist');

/** A Node worker running share-worker.mjs on the built wasmloom. */
export interface ShareWorker {
  /** Posts `{op, ...args}`; resolves with the op's answer, rejects with its error (as a string). */
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  terminate(): Promise<number>;
}

export async function startShareWorker(options: { stackSizeMb?: number } = {}): Promise<ShareWorker> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./share-worker.mjs', import.meta.url), {
    workerData: { dist: distUrl('index.js'), sqlJs: sqlJsDir },
    ...(options.stackSizeMb ? { resourceLimits: { stackSizeMb: options.stackSizeMb } } : {}),
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.value);
    else p?.reject(new Error(m.error));
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
  });
  return {
    call<T>(op: string, args: Record<string, unknown> = {}) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, op, ...args });
      });
    },
    terminate: () => worker.terminate(),
  };
}
