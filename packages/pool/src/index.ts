/** @wasmloom/pool for Node: the pool contract, the inline and piscina pools, the batching policy. */
export * from './batcher.js';
export { compileBodies } from './compile-batch.js';
export * from './errors.js';
export * from './inline-pool.js';
export * from './node-pool.js';
export type * from './pool.js';
