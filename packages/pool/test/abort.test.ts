import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodePool, envAwareBalancer } from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import { constModule } from './fixtures/modules.js';

const recordingWorker = fileURLToPath(new URL('./fixtures/recording-worker.mjs', import.meta.url));

beforeAll(ensureBuilt);

describe('abort', () => {
  it('rejects every batch of the signal at once, drops the waiting ones, and the pool serves on', async () => {
    const piscina = new Piscina({
      filename: recordingWorker,
      minThreads: 2,
      maxThreads: 2,
      loadBalancer: envAwareBalancer(),
    });
    const ran: string[] = [];
    piscina.on('message', (m: { record?: { envId: string; reply: string } }) => {
      if (m.record?.reply === 'compiled') ran.push(m.record.envId);
    });
    const pool = createNodePool({ piscina, workerFile: recordingWorker });
    try {
      const { env, bodies } = constModule(300, 40);
      const handle = pool.open(env);
      const controller = new AbortController();
      const jobs = Array.from({ length: 30 }, (_, i) =>
        pool.compile(handle, bodies.slice(i * 10, i * 10 + 10), controller.signal),
      );
      const reason = new Error('caller gave up');
      const abortedAt = performance.now();
      controller.abort(reason);
      const outcomes = await Promise.allSettled(jobs);
      expect(performance.now() - abortedAt).toBeLessThan(50);
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason === reason)).toBe(true);

      // The pool is free again once the two batches already running are done.
      const other = constModule(4);
      const otherHandle = pool.open(other.env);
      expect((await pool.compile(otherHandle, other.bodies)).sources).toHaveLength(4);
      await new Promise((r) => setTimeout(r, 50)); // records travel apart from replies
      expect(ran.filter((id) => id === handle.envId).length).toBeLessThanOrEqual(2);

      // A signal aborted before the call rejects without queueing anything.
      await expect(pool.compile(handle, bodies.slice(0, 1), AbortSignal.abort(reason))).rejects.toBe(reason);
    } finally {
      await pool.close();
      await piscina.destroy();
    }
  });
});
