// A Node worker for share.test.ts and share-esbuild.test.ts: it loads the BUILT
// wasmloom (workerData.dist: URL of dist/index.js), receives modules by
// postMessage and runs what the test asks, answering with plain data.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { kitchenImports } from './kitchen-imports.mjs';

const wasmloom = await import(workerData.dist);
const { WebAssembly: W, moduleStats, adoptModule } = wasmloom;

const ops = {
  stats: () => moduleStats(),
  describe: ({ module }) => ({
    keys: Object.keys(module),
    proto: Object.getPrototypeOf(module) === Object.prototype,
    exports: W.Module.exports(module),
    imports: W.Module.imports(module),
  }),
  /** `kitchen`-like: instantiate with the imports the test describes, call an export. */
  async call({ module, imports, name, args, via }) {
    const importObject = buildImports(imports);
    const instance =
      via === 'constructor'
        ? new W.Instance(module, importObject)
        : via === 'adopt'
          ? new W.Instance(adoptModule(module), importObject)
          : await W.instantiate(module, importObject);
    return { result: instance.exports[name](...args), isInstance: instance instanceof W.Instance };
  },
  /** Instantiates a module with stub imports (for esbuild): how long adopting and instantiating take. */
  timeInstantiate({ module }) {
    let t = performance.now();
    const exports = W.Module.exports(module); // the first use adopts: unpacks the code
    const adopt = performance.now() - t;
    const importObject = {};
    for (const i of W.Module.imports(module)) {
      importObject[i.module] ??= {};
      importObject[i.module][i.name] = () => 0;
    }
    t = performance.now();
    new W.Instance(module, importObject);
    const first = performance.now() - t;
    t = performance.now();
    new W.Instance(module, importObject);
    const second = performance.now() - t;
    return { adopt, first, second, exports: exports.length };
  },
  /** Runs sql.js (workerData.sqlJs: its dist directory) on the received module with wasmloom as the global WebAssembly. */
  async sql({ module, sql }) {
    Object.defineProperty(globalThis, 'WebAssembly', { value: W, writable: true, configurable: true });
    const initSqlJs = createRequire(import.meta.url)(`${workerData.sqlJs}/sql-wasm.js`);
    const SQL = await initSqlJs({
      instantiateWasm(imports, done) {
        W.instantiate(module, imports).then((instance) => done(instance));
        return {};
      },
    });
    const db = new SQL.Database();
    try {
      return db.exec(sql);
    } finally {
      db.close();
    }
  },
  /**
   * Instantiates with `imports` (plain values: numbers for globals), calls
   * exports in turn (`calls`: [name, ...args]) and answers with each call's
   * outcome ('ok' or the error's name) and the bytes of the exported memory "mem".
   */
  run({ module, imports, calls }) {
    const { exports } = new W.Instance(module, imports);
    const outcomes = calls.map(([name, ...args]) => {
      try {
        exports[name](...args);
        return 'ok';
      } catch (e) {
        return e.name;
      }
    });
    return { outcomes, memory: new Uint8Array(exports.mem.buffer.slice(0)) };
  },
  /** Sends a module back: received, re-posted as it is (a clone of a clone). */
  echo: ({ module }) => module,
};

function buildImports(spec) {
  return spec === 'kitchen' ? kitchenImports(W) : {};
}

parentPort.on('message', async ({ id, op, ...args }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: await ops[op](args) });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: `${e?.name}: ${e?.message}` });
  }
});
parentPort.postMessage({ ready: true });
