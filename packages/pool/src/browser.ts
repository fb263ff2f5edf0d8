/** @wasmloom/pool for browsers: the pool contract, the inline and Web Worker pools, the batching policy. */
export * from './batcher.js';
export * from './browser-pool.js';
export { compileBodies } from './compile-batch.js';
export * from './errors.js';
export * from './inline-pool.js';
export type * from './pool.js';
