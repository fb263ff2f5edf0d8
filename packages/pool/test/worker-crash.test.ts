import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompilePool, createNodePool } from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import {
  buildModule,
  CRASH,
  constModule,
  OUT_OF_MEMORY,
  parse,
  type TestModule,
  THROW,
} from './fixtures/modules.js';

const faultyWorker = fileURLToPath(new URL('./fixtures/faulty-worker.mjs', import.meta.url));

beforeAll(ensureBuilt);

/** Functions 0..5 return their index, except function 3, which is the marker `marker`. */
function withMarker(marker: number): TestModule {
  return parse(
    buildModule(
      Array.from({ length: 6 }, (_, i) => ({ kind: 'const' as const, value: i === 3 ? marker : i })),
    ),
  );
}

describe('a worker that fails', () => {
  let pool: CompilePool;
  beforeAll(() => {
    // A small heap, so that the out-of-memory marker fails fast.
    pool = createNodePool({
      size: 2,
      workerFile: faultyWorker,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
  });
  afterAll(() => pool.close());

  async function expectPoolStillServes(): Promise<void> {
    const { env, bodies } = constModule(8);
    const handle = pool.open(env);
    const results = await Promise.all([
      pool.compile(handle, bodies.slice(0, 4)),
      pool.compile(handle, bodies.slice(4)),
    ]);
    expect(results.flatMap((r) => r.sources)).toHaveLength(8);
    pool.release(handle);
  }

  it('by exiting rejects that compile with WORKER_CRASHED, and others go on', async () => {
    const bad = withMarker(CRASH);
    const good = constModule(20);
    const badHandle = pool.open(bad.env);
    const goodHandle = pool.open(good.env);
    const others = [0, 1, 2, 3].map((i) => pool.compile(goodHandle, good.bodies.slice(i * 5, i * 5 + 5)));
    const crashing = pool.compile(badHandle, bad.bodies.slice(2, 5));
    await expect(crashing).rejects.toMatchObject({
      name: 'PoolError',
      code: 'WORKER_CRASHED',
      message: expect.stringMatching(
        /^compile worker died while compiling 3 functions in 2\.\.4 \(worker exited/,
      ),
    });
    expect((await Promise.all(others)).flatMap((r) => r.sources)).toHaveLength(20);
    // The same module's other bodies still compile (on a new thread, which asks for the env).
    expect((await pool.compile(badHandle, bad.bodies.slice(0, 3))).sources).toHaveLength(3);
    await expectPoolStillServes();
  });

  it('by throwing rejects that compile with INTERNAL_ERROR carrying the message', async () => {
    const bad = withMarker(THROW);
    const handle = pool.open(bad.env);
    await expect(pool.compile(handle, bad.bodies)).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'internal error while compiling 6 functions in 0..5: injected failure',
    });
    await expectPoolStillServes();
  });

  it('by running out of memory rejects that compile with WORKER_OUT_OF_MEMORY', async () => {
    const bad = withMarker(OUT_OF_MEMORY);
    const handle = pool.open(bad.env);
    await expect(pool.compile(handle, [bad.bodies[3]])).rejects.toMatchObject({
      code: 'WORKER_OUT_OF_MEMORY',
      message: 'compile worker ran out of memory while compiling function 3',
    });
    await expectPoolStillServes();
  });
});
