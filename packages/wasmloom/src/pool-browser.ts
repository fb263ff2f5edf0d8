/**
 * What `pool-node.ts` is for Node, for browsers: bundlers put this file in its
 * place (package.json `"browser"` field), so a browser build has Web Workers
 * spoken to with comlink, sized by `navigator.hardwareConcurrency` (see
 * options.ts), and never sees piscina or `node:os`. The exports must stay the same as
 * `pool-node.ts`'s.
 *
 * The workers run `@wasmloom/pool/browser-worker`, which the bundle must emit
 * as its own file beside `@wasmloom/pool/browser` (see that package's README).
 */
import { type CompilePool, createBrowserPool } from '@wasmloom/pool/browser';
import type { PiscinaLike, PoolPlatform } from './options.js';

export { Batcher, INLINE_THRESHOLD_BYTES } from '@wasmloom/pool/browser';

export const platform: PoolPlatform = {
  name: 'browser',
  hardwareThreads: () => globalThis.navigator?.hardwareConcurrency ?? 1,
  startPool: (size: number): CompilePool => createBrowserPool({ size }),
  poolOnPiscina(_piscina: PiscinaLike): CompilePool {
    throw new TypeError('createWebAssembly: a piscina pool works in Node only; pass a CompilePool');
  },
};
