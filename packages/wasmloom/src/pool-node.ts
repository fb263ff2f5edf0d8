/**
 * Everything wasmloom takes from `@wasmloom/pool` at run time, for Node:
 * piscina threads, and the machine's thread count (`os.availableParallelism()`)
 * that options.ts sizes the default pool by.
 *
 * Browser builds replace this file with `pool-browser.ts` (package.json
 * `"browser"` field), which exports the same names from
 * `@wasmloom/pool/browser`: Web Workers, and neither piscina nor `node:os`.
 * Nothing else in wasmloom imports values from `@wasmloom/pool`.
 */
import { availableParallelism } from 'node:os';
import { type CompilePool, createNodePool, type NodePoolOptions } from '@wasmloom/pool';
import type { PiscinaLike, PoolPlatform } from './options.js';

export { Batcher, INLINE_THRESHOLD_BYTES } from '@wasmloom/pool';

export const platform: PoolPlatform = {
  name: 'node',
  hardwareThreads: () => availableParallelism(),
  startPool: (size: number): CompilePool => createNodePool({ size }),
  poolOnPiscina: (piscina: PiscinaLike): CompilePool =>
    createNodePool({ piscina: piscina as NodePoolOptions['piscina'] }),
};
