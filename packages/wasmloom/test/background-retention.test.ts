/**
 * Memory after work (issue 15, finding 7): a module its user dropped while
 * its JS was still being emitted in the background is collected, and its
 * emission stops, instead of living on with its bodies and sources until
 * every function is emitted.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InlinePool } from '@wasmloom/pool';
import { expect, it } from 'vitest';
import { createWebAssembly } from 'wasmloom';
import { moduleState } from '../src/module.js';
import { DelayingPool, readModule, SQL_WASM, sleep } from './pool-fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sqlWasm = readModule(SQL_WASM);

it.skipIf(sqlWasm === undefined)('a module dropped during its background emission is collected', async () => {
  // Each background batch takes 200 ms: sql.js's take over a second in all.
  const pool = new DelayingPool(new InlinePool(), {
    idleSlots: 1,
    delay: (_, mode) => (mode === 'compile' ? 200 : 0),
  });
  const W = createWebAssembly({ pool, inlineThreshold: 0 });
  let module: object | null = await W.compile(sqlWasm!);
  const code = new WeakRef(moduleState(module, 'test').code);
  module = null;
  await sleep(250);
  gc();
  await sleep(0);
  gc();
  expect(code.deref()).toBeUndefined();
  const batchesThen = pool.emitBatches;
  await sleep(600);
  // At most the batches already in flight answered; no new ones were sent.
  expect(pool.emitBatches - batchesThen).toBeLessThanOrEqual(2);
});
