import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserPool, type WorkerPort } from '../src/browser-pool.js';
import { type CompilePool, InlinePool } from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import { constModule, sqlModule } from './fixtures/modules.js';

// The browser pool's code over Node threads: comlink's node adapter stands in
// for Web Workers. The same pool in Chromium is tested when it gets bundled.
const workerUrl = new URL('./fixtures/comlink-node-worker.mjs', import.meta.url);

beforeAll(ensureBuilt);

describe('browser pool (comlink), run on Node threads', () => {
  const threads: Worker[] = [];
  let pool: CompilePool;
  beforeAll(() => {
    pool = createBrowserPool({
      size: 2,
      createWorker(): WorkerPort {
        const worker = new Worker(workerUrl);
        threads.push(worker);
        return {
          endpoint: nodeEndpoint(worker),
          onFailure(listener) {
            worker.on('error', listener);
            worker.on('exit', (code) => listener(new Error(`worker exited with code ${code}`)));
          },
          terminate: () => void worker.terminate(),
        };
      },
    });
  });
  afterAll(() => pool.close());

  it('compiles as the inline pool does', async () => {
    const { env, bodies } = sqlModule();
    const some = bodies.slice(0, 300);
    const inline = new InlinePool();
    const expected = (await inline.compile(inline.open(env), some)).sources;
    const handle = pool.open(env);
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => pool.compile(handle, some.slice(i * 50, i * 50 + 50))),
    );
    expect(results.flatMap((r) => r.sources)).toEqual(expected);
    expect(threads).toHaveLength(2);
    pool.release(handle);
  });

  it('rejects the batch of a worker that dies with WORKER_CRASHED, and replaces the worker', async () => {
    const { env, bodies } = constModule(3000, 100); // a batch that takes a good while
    const handle = pool.open(env);
    const running = pool.compile(handle, bodies);
    // Handled from the start: the rejection may come while the threads are still terminating.
    const rejected = expect(running).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    // Kill every thread, the busy one among them, while the batch has hardly started.
    const before = threads.length;
    await Promise.all(threads.map((t) => t.terminate()));
    await rejected;
    const again = await pool.compile(handle, bodies.slice(0, 5));
    expect(again.sources).toHaveLength(5);
    expect(threads.length).toBe(before + 1);
  });
});
