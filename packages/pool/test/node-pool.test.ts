import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompilePool,
  createNodePool,
  DEFAULT_YOUNG_GENERATION_MB,
  envAwareBalancer,
  InlinePool,
} from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import { buildModule, constModule, parse } from './fixtures/modules.js';

const recordingWorker = fileURLToPath(new URL('./fixtures/recording-worker.mjs', import.meta.url));
const limitsWorker = fileURLToPath(new URL('./fixtures/limits-worker.mjs', import.meta.url));

beforeAll(ensureBuilt);

describe('Node pool on piscina', () => {
  let pool: CompilePool;
  beforeAll(() => {
    pool = createNodePool({ size: 2 });
  });
  afterAll(() => pool.close());

  it('compiles on worker threads exactly as inline', async () => {
    const { env, bodies } = constModule(30, 2);
    const inline = new InlinePool();
    const expected = await inline.compile(inline.open(env), bodies);
    const handle = pool.open(env);
    const batches = [bodies.slice(0, 10), bodies.slice(10, 20), bodies.slice(20)];
    const results = await Promise.all(batches.map((b) => pool.compile(handle, b)));
    expect(results.flatMap((r) => r.sources)).toEqual(expected.sources);
    pool.release(handle);
  });

  it('answers an invalid body as data, the lowest index first', async () => {
    const { env, bodies } = parse(
      buildModule([
        { kind: 'const', value: 0 },
        { kind: 'invalid' },
        { kind: 'invalid' },
        { kind: 'const', value: 3 },
      ]),
    );
    const handle = pool.open(env);
    const result = await pool.compile(handle, [bodies[3], bodies[2], bodies[1], bodies[0]]);
    expect(result.sources).toEqual([]);
    expect(result.error).toMatchObject({ kind: 'invalid', funcIndex: 1 });
    pool.release(handle);
  });

  it('counts idle slots: one per thread', () => {
    expect(pool.idleSlots).toBe(2);
  });
});

type EnvRecord = { threadId: number; envId: string; hadEnv: boolean; reply: string };

/** Compiles two modules in 10 batches each on `piscina` (2 threads), recording what each task carried. */
async function recordEnvTraffic(piscina: Piscina): Promise<EnvRecord[]> {
  const records: EnvRecord[] = [];
  piscina.on('message', (m: { record?: EnvRecord }) => m.record && records.push(m.record));
  const pool = createNodePool({ piscina, workerFile: recordingWorker });
  try {
    for (const { env, bodies } of [constModule(40, 1), constModule(40, 2)]) {
      const handle = pool.open(env);
      const batches = Array.from({ length: 10 }, (_, i) => bodies.slice(4 * i, 4 * i + 4));
      const results = await Promise.all(batches.map((b) => pool.compile(handle, b)));
      expect(results.flatMap((r) => r.sources)).toHaveLength(40);
      pool.release(handle);
    }
    await new Promise((r) => setTimeout(r, 50)); // records travel apart from replies
  } finally {
    await pool.close();
    await piscina.destroy(); // the pool never closes a piscina it was given
  }
  expect(new Set(records.map((r) => r.envId)).size).toBe(2);
  expect(records.filter((r) => r.reply !== 'needEnv')).toHaveLength(20);
  return records;
}

describe('env once per worker', () => {
  it('with envAwareBalancer: every thread gets each env once, with its first task of it, and never asks', async () => {
    const piscina = new Piscina({
      filename: recordingWorker,
      minThreads: 2,
      maxThreads: 2,
      concurrentTasksPerWorker: 2,
      loadBalancer: envAwareBalancer(2),
    });
    const records = await recordEnvTraffic(piscina);
    expect(records.filter((r) => r.reply === 'needEnv')).toEqual([]);
    const seen = new Set<string>();
    for (const r of records) {
      const key = `${r.threadId} ${r.envId}`;
      expect(r.hadEnv).toBe(!seen.has(key));
      seen.add(key);
    }
  });

  it('with another balancer: needEnv round trips, and every batch still compiles', async () => {
    const piscina = new Piscina({ filename: recordingWorker, minThreads: 2, maxThreads: 2 });
    const records = await recordEnvTraffic(piscina);
    // At least the first task of each module carries the env; the rest is up to piscina's routing.
    expect(records.filter((r) => r.hadEnv).length).toBeGreaterThanOrEqual(2);
  });
});

describe('Node pool threads', () => {
  /** The heap limits a thread of a pool made with `options` runs with. */
  async function limitsOf(options: Parameters<typeof createNodePool>[0]): Promise<Record<string, number>> {
    const pool = createNodePool({ size: 1, workerFile: limitsWorker, ...options });
    try {
      const { env, bodies } = constModule(1);
      const { sources } = await pool.compile(pool.open(env), bodies);
      return JSON.parse(sources[0]);
    } finally {
      await pool.close();
    }
  }

  it('get a small young generation by default, and the limits the caller gives', async () => {
    expect(DEFAULT_YOUNG_GENERATION_MB).toBeLessThan(48);
    expect(await limitsOf({})).toMatchObject({ maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB });
    const given = await limitsOf({
      resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 200 },
    });
    expect(given).toMatchObject({ maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 200 });
    const oldOnly = await limitsOf({ resourceLimits: { maxOldGenerationSizeMb: 200 } });
    expect(oldOnly).toMatchObject({
      maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: 200,
    });
  });
});
