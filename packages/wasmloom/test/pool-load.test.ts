/**
 * Load on a pool whose workers die: 50 concurrent compiles of valid and
 * invalid modules, with workers killed at random (bodies that make the test
 * worker exit), each settle as the synchronous compile does (a dead worker's
 * batch compiles on the calling thread), and memory comes back to within
 * 20% of where it started.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_FEATURES } from '@wasmloom/binary';
import { createNodePool } from '@wasmloom/pool';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../../pool/test/fixtures/build.js';
import { compileModuleBytes } from '../src/decode.js';
import { compileChunks } from '../src/streaming.js';
import { body, build, funcType, I32, sleb } from './modules.js';
import { FAULTY_WORKER, outcome, seeded, slices, withInvalidBody } from './pool-fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(ensureBuilt);
const pool = createNodePool({ size: 2, workerFile: FAULTY_WORKER });
afterAll(() => pool.close());

/** The exit marker of the test worker (pool/test/fixtures/faulty-worker.mjs). */
const EXIT = 666001;

/** `n` functions `() -> i32` returning their index, the worker's exit marker at `exitAt`. */
function module(n: number, exitAt: number): Uint8Array {
  return build({
    types: [funcType([], [I32])],
    funcs: new Array(n).fill(0),
    codes: Array.from({ length: n }, (_, i) => body(0x41, ...sleb(i === exitAt ? EXIT : i), 0x0b)),
  });
}

function settledRss(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

it('50 concurrent compiles with workers dying at random settle as the synchronous compile, memory comes back', async () => {
  const random = seeded(15);
  const cases = Array.from({ length: 50 }, () => {
    const n = 40 + Math.floor(random() * 200);
    const exitAt = random() < 0.4 ? Math.floor(random() * n) : -1;
    const bytes = module(n, exitAt);
    return random() < 0.4 ? withInvalidBody(bytes, Math.floor(random() * n)) : bytes;
  });
  const expected = await Promise.all(
    cases.map((bytes) => outcome(Promise.resolve().then(() => compileModuleBytes(bytes, DEFAULT_FEATURES)))),
  );
  const compileAll = () =>
    Promise.all(
      cases.map((bytes) =>
        outcome(compileChunks(slices(bytes, 512), DEFAULT_FEATURES, { pool, inlineThreshold: 0 })),
      ),
    );
  // A first round warms the threads and the compiler up; the second is measured.
  expect(await compileAll()).toEqual(expected);
  const before = settledRss();
  expect(await compileAll()).toEqual(expected);
  const after = settledRss();
  expect(after / before).toBeLessThan(1.2);
  expect(expected.filter((e) => 'sources' in (e as object)).length).toBeGreaterThan(10);
});
