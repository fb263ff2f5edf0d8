// A Node worker for comlink.test.ts: the BUILT wasmloom/comlink (its
// transfer handler registered), exposed through comlink's node adapter.
import { parentPort, workerData } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { kitchenImports } from './kitchen-imports.mjs';

const { expose } = await import(workerData.comlink);
const { WebAssembly: W, moduleStats } = await import(workerData.dist);

expose(
  {
    describe: (module) => ({
      isModule: module instanceof W.Module,
      exports: W.Module.exports(module),
    }),
    async add64(module, a, b) {
      const instance = await W.instantiate(module, kitchenImports(W));
      return instance.exports.add64(a, b);
    },
    /** Compiles here and returns the module: it crosses back as a Module. */
    compile: (bytes) => W.compile(bytes),
    /** Modules nested in other values cross too. */
    pair: (modules) => ({ first: modules[0], count: modules.length }),
    stats: () => moduleStats(),
  },
  nodeEndpoint(parentPort),
);
