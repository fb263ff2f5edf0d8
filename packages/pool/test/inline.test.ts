import { compileFunction } from '@wasmloom/compiler';
import { describe, expect, it } from 'vitest';
import { InlinePool, PoolError } from '../src/index.js';
import { buildModule, constModule, parse } from './fixtures/modules.js';

describe('InlinePool', () => {
  it('compiles every body, sources by position, as compileFunction does', async () => {
    const { env, bodies } = constModule(5);
    const pool = new InlinePool();
    const handle = pool.open(env);
    const batch = [bodies[3], bodies[0], bodies[4]];
    const result = await pool.compile(handle, batch);
    expect(result.error).toBeUndefined();
    expect(result.sources).toEqual(batch.map((b) => compileFunction(env, b.index, b)));
    expect(result.sources[0]).not.toEqual(result.sources[1]);
  });

  it('reports the invalid function with the lowest index, whatever the batch order', async () => {
    const { env, bodies } = parse(
      buildModule([
        { kind: 'const', value: 1 },
        { kind: 'invalid' },
        { kind: 'const', value: 2 },
        { kind: 'invalid' },
      ]),
    );
    let expected: unknown;
    try {
      compileFunction(env, 1, bodies[1]);
    } catch (e) {
      expected = e;
    }
    const { offset, message } = expected as { offset: number; message: string };
    const pool = new InlinePool();
    const handle = pool.open(env);
    for (const batch of [bodies, [...bodies].reverse(), [bodies[3], bodies[0], bodies[1]]]) {
      const result = await pool.compile(handle, batch);
      expect(result.sources).toEqual([]);
      expect(result.error).toEqual({ kind: 'invalid', funcIndex: 1, offset, message });
    }
    const onlyLater = await pool.compile(handle, [bodies[3], bodies[2]]);
    expect(onlyLater.error?.funcIndex).toBe(3);
  });

  it('answers an empty batch with no sources', async () => {
    const pool = new InlinePool();
    expect(await pool.compile(pool.open(constModule(1).env), [])).toEqual({ sources: [] });
  });

  it('rejects released, unknown and aborted work, and work after close', async () => {
    const { env, bodies } = constModule(2);
    const pool = new InlinePool();
    const handle = pool.open(env);
    const aborted = AbortSignal.abort();
    await expect(pool.compile(handle, bodies, aborted)).rejects.toBe(aborted.reason);
    await expect(pool.compile({ envId: 'nope' }, bodies)).rejects.toMatchObject({ code: 'UNKNOWN_ENV' });
    pool.release(handle);
    await expect(pool.compile(handle, bodies)).rejects.toMatchObject({ code: 'ENV_RELEASED' });
    await pool.close();
    await expect(pool.compile(handle, bodies)).rejects.toBeInstanceOf(PoolError);
    expect(() => pool.open(env)).toThrow(/closed/);
  });

  it('has no idle slots: batching early for it gains nothing', () => {
    expect(new InlinePool().idleSlots).toBe(0);
  });
});
