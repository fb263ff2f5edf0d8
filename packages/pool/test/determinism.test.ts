import type { FunctionBody } from '@wasmloom/binary';
import { beforeAll, describe, expect, it } from 'vitest';
import { Batcher, type CompilePool, createNodePool, InlinePool } from '../src/index.js';
import { ensureBuilt } from './fixtures/build.js';
import { sqlModule, type TestModule } from './fixtures/modules.js';

beforeAll(ensureBuilt);

/** Every function's source by function index, compiled through a Batcher on `pool`. */
async function compileAll(
  pool: CompilePool,
  { env, bodies }: TestModule,
  targetBytes: number,
): Promise<string[]> {
  const handle = pool.open(env);
  const pending: Promise<void>[] = [];
  const byIndex: string[] = [];
  const batcher = new Batcher({
    targetBytes,
    idleSlots: () => pool.idleSlots,
    onBatch: (batch: FunctionBody[]) => {
      pending.push(
        pool.compile(handle, batch).then((r) => {
          expect(r.error).toBeUndefined();
          batch.forEach((b, i) => {
            byIndex[b.index] = r.sources[i];
          });
        }),
      );
    },
  });
  for (const body of bodies) batcher.add(body);
  batcher.flush();
  await Promise.all(pending);
  pool.release(handle);
  return byIndex;
}

describe('determinism', () => {
  it('gives the same sources for sql.js inline and on 1, 2 and 4 threads (with or without the calling thread), whatever the batch size', async () => {
    const module = sqlModule();
    expect(module.bodies.length).toBeGreaterThan(1000);
    const expected = await compileAll(new InlinePool(), module, 64 * 1024);
    expect(expected.filter((s) => typeof s === 'string')).toHaveLength(module.bodies.length);
    for (const [size, target, callingThread] of [
      [1, 64 * 1024, false],
      [2, 16 * 1024, false],
      [4, 256 * 1024, false],
      [1, 16 * 1024, true],
    ] as const) {
      const pool = createNodePool({ size, callingThread });
      try {
        const sources = await compileAll(pool, module, target);
        expect(sources.length).toBe(expected.length);
        // Not toEqual on 2000 long strings: a mismatch report would be unreadable.
        const differing = sources.flatMap((s, i) => (s === expected[i] ? [] : [i]));
        expect(differing, `threads ${size}, batches of ${target}, calling thread ${callingThread}`).toEqual(
          [],
        );
      } finally {
        await pool.close();
      }
    }
  });
});
