import { Worker } from 'node:worker_threads';
// @ts-expect-error comlink ships this adapter's types as node-adapter.d.ts, which TypeScript does not pair with the .mjs
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleStats, WebAssembly as W } from 'wasmloom';
import { MODULE_TRANSFER_HANDLER, type Remote, transferHandlers, wrap } from '../src/comlink.js';
import { kitchen } from './modules.js';
import { distUrl, ensureBuilt } from './share-helpers.js';

type AnyModule = Parameters<typeof W.Module.exports>[0];

interface WorkerApi {
  describe(module: AnyModule): { isModule: boolean; exports: unknown };
  add64(module: AnyModule, a: number, b: bigint): bigint;
  compile(bytes: Uint8Array): AnyModule;
  pair(modules: AnyModule[]): { first: AnyModule; count: number };
  stats(): { compiled: number; received: number };
}

describe('wasmloom/comlink: Modules through comlink calls (Node worker_threads)', () => {
  let worker: Worker;
  let api: Remote<WorkerApi>;
  beforeAll(() => {
    ensureBuilt();
    worker = new Worker(new URL('./comlink-worker.mjs', import.meta.url), {
      workerData: { dist: distUrl('index.js'), comlink: distUrl('comlink.js') },
    });
    api = wrap<WorkerApi>(nodeEndpoint(worker));
  });
  afterAll(() => worker?.terminate());

  it('registers its handler with comlink', () => {
    expect(transferHandlers.has(MODULE_TRANSFER_HANDLER)).toBe(true);
  });

  it('a Module argument arrives as a real Module that runs without compiling', async () => {
    const m = new W.Module(kitchen);
    expect(await api.describe(m)).toEqual({ isModule: true, exports: W.Module.exports(m) });
    expect(await api.add64(m, 40, 2n)).toBe(42n);
    const stats = await api.stats();
    expect(stats.compiled).toBe(0);
    expect(stats.received).toBe(2);
  });

  it('a Module result comes back as a Module of this side’s namespace', async () => {
    const before = moduleStats();
    const m = await api.compile(kitchen);
    expect(m).toBeInstanceOf(W.Module);
    expect(W.Module.exports(m)).toEqual(W.Module.exports(new W.Module(kitchen)));
    expect(moduleStats().received).toBe(before.received + 1);
    expect((await api.stats()).compiled).toBe(1);
  });

  it('a received clone passes on too; modules nested in values are structured-cloned', async () => {
    const m = new W.Module(kitchen);
    const clone = structuredClone(m) as AnyModule;
    expect((await api.describe(clone)).isModule).toBe(true);
    // comlink applies handlers to top-level arguments and results only: nested ones arrive as clones.
    const { first, count } = await api.pair([m, m]);
    expect(count).toBe(2);
    expect(W.Module.exports(first)).toEqual(W.Module.exports(m));
  });
});
