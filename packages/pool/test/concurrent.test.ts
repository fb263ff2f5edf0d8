import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompilePool, createNodePool, InlinePool } from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import { constModule } from './fixtures/modules.js';

beforeAll(ensureBuilt);

describe('concurrent compiles on one pool', () => {
  let pool: CompilePool;
  beforeAll(() => {
    pool = createNodePool({ size: 2 });
  });
  afterAll(() => pool.close());

  it('serves 20 modules at once, each getting its own sources', async () => {
    const modules = Array.from({ length: 20 }, (_, m) => constModule(30 + m, m % 4));
    const inline = new InlinePool();
    const results = await Promise.all(
      modules.map(async ({ env, bodies }) => {
        const handle = pool.open(env);
        const batches = [bodies.slice(0, 10), bodies.slice(10, 20), bodies.slice(20)];
        const done = await Promise.all(batches.map((b) => pool.compile(handle, b)));
        pool.release(handle);
        return done.flatMap((r) => r.sources);
      }),
    );
    for (let m = 0; m < modules.length; m++) {
      const { env, bodies } = modules[m];
      expect(results[m]).toEqual((await inline.compile(inline.open(env), bodies)).sources);
    }
  });

  it('takes modules in turn: a small module queued behind a big one does not wait for all of it', async () => {
    const big = constModule(600, 40);
    const small = constModule(5);
    const bigHandle = pool.open(big.env);
    const smallHandle = pool.open(small.env);
    let bigDone = 0;
    const bigJobs = Array.from({ length: 60 }, (_, i) =>
      pool.compile(bigHandle, big.bodies.slice(i * 10, i * 10 + 10)).then(() => bigDone++),
    );
    await pool.compile(smallHandle, small.bodies);
    // Two big batches were running and one more may have started; FIFO would have run all 60.
    expect(bigDone).toBeLessThanOrEqual(4);
    await Promise.all(bigJobs);
  });
});
