/**
 * Workers (Node worker_threads here, Web Workers in packages/browser-tests)
 * load the BUILT wasmloom, while the tests run its sources: build first when
 * any source is newer than the last build. Test files run in parallel, so a
 * lock keeps builds one at a time.
 */
import { join } from 'node:path';
import { buildOnce, buildPackage, root } from '../../pool/test/fixtures/build.js';

export { buildOnce, root };

/** `tsc -b packages/wasmloom` when a source of it or of a package it builds on changed. */
export function ensureBuilt(): void {
  buildPackage('wasmloom', ['binary', 'compiler', 'runtime', 'pool', 'wasmloom'], 'index.js');
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
