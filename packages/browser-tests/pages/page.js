// The scenario, on the engine named by `?engine=`:
// 1. compileStreaming(fetch('/big.wasm')) (esbuild-wasm, 14 MB; wasmloom: on a
//    pool of Web Workers) and of sql.js's wasm (the default namespace);
// 2. both modules posted (postMessage) to a module Web Worker, which takes
//    them as they are and runs sql.js on the received module;
// 3. the same through comlink (wasmloom/comlink) to another worker;
// 4. sql.js's module cached in IndexedDB (serializeModule), read back
//    (deserializeModule) and run (wasmloom only).
// Everything the test compares or checks ends up in window.result.
const params = new URL(location.href).searchParams;
const engine = params.get('engine');
// The module compiled on the pool (default esbuild-wasm's); what the page had as WebAssembly before anything ran.
const bigUrl = params.get('big') ?? '/big.wasm';
const nativeWebAssembly = typeof globalThis.WebAssembly;

// Count the Web Workers started, by script: wasmloom's compile pool runs browser-worker.js.
const started = [];
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url, options) {
    super(url, options);
    started.push(new URL(url, location.href).pathname);
  }
};

export const SQL = `
  CREATE TABLE t(a INTEGER, b TEXT, c REAL);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO t SELECT i, printf('row-%05d', i), i * 0.25 FROM n;
  SELECT count(*), sum(a), total(c), max(b), length(group_concat(substr(b, 5, 3), '')) FROM t WHERE a % 7 = 3;
  SELECT upper(b), round(c * 3.7, 3), a * a * a FROM t ORDER BY c DESC LIMIT 3;
  SELECT sqlite_version();
`;

function ask(worker, message) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) =>
      data.error ? reject(new Error(`worker: ${data.error}`)) : resolve(data);
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.postMessage(message);
  });
}

/** IndexedDB: the README's cache snippet, as a user would write it. */
function idb(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function cacheRoundTrip(loom, module) {
  const open = indexedDB.open('wasm-cache', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('modules');
  const db = await idb(open);
  const key = `sql-wasm@${loom.VERSION}`;
  await idb(
    db.transaction('modules', 'readwrite').objectStore('modules').put(loom.serializeModule(module), key),
  );
  const bytes = await idb(db.transaction('modules').objectStore('modules').get(key));
  db.close();
  const before = loom.moduleStats();
  const cached = loom.deserializeModule(bytes);
  const rows = await (await import('/engine.js')).runSql(cached, SQL);
  const corrupted = bytes.slice();
  corrupted[corrupted.length >> 1] ^= 1;
  let rejected = null;
  try {
    loom.deserializeModule(corrupted);
  } catch (e) {
    rejected = `${e.name}: ${e.message}`;
  }
  return { bytes: bytes.length, rows, compiled: loom.moduleStats().compiled - before.compiled, rejected };
}

async function main() {
  const { useEngine } = await import('/engine.js');
  const loom = await useEngine(engine);
  const out = { engine, nativeWebAssembly, timings: {} };

  // wasmloom: a namespace with a compile pool of two Web Workers (the default
  // keeps a core for the page, so a 2-core machine would compile inline).
  const compiler = loom ? loom.createWebAssembly({ workers: 2 }) : WebAssembly;
  let t = performance.now();
  const big = await compiler.compileStreaming(fetch(bigUrl));
  out.timings.compileBig = performance.now() - t;
  out.bigExports = WebAssembly.Module.exports(big);
  out.compileWorkers = started.filter((p) => p.endsWith('/browser-worker.js')).length;

  t = performance.now();
  const sql = await WebAssembly.compileStreaming(fetch('/sql-wasm.wasm'));
  out.timings.compileSql = performance.now() - t;
  out.mainStats = loom?.moduleStats() ?? null;

  // 2. postMessage: the worker gets clones and uses them as they are.
  if (loom) {
    t = performance.now();
    structuredClone(big); // packs (once, kept for the next sends) and copies
    out.timings.packAndCloneBig = performance.now() - t;
    t = performance.now();
    structuredClone(big);
    out.timings.cloneBig = performance.now() - t;
  }
  const worker = new Worker(`/page-worker.js`, { type: 'module' });
  t = performance.now();
  out.posted = await ask(worker, { engine, big, sql, query: SQL });
  out.timings.postedRoundTrip = performance.now() - t;
  Object.assign(out.timings, out.posted.timings);
  worker.terminate();

  // 3. comlink: the worker gets real Modules.
  const { wrap } = await import('/wasmloom/comlink.js');
  const comlinkWorker = new Worker(`/comlink-worker.js?engine=${engine}`, { type: 'module' });
  await new Promise((resolve, reject) => {
    comlinkWorker.onmessage = resolve;
    comlinkWorker.onerror = (e) => reject(new Error(`comlink worker: ${e.message}`));
  });
  comlinkWorker.onmessage = null;
  const api = wrap(comlinkWorker);
  out.comlink = await api.describe(sql);
  out.comlink.returned = loom ? (await api.compileTiny()) instanceof WebAssembly.Module : null;
  comlinkWorker.terminate();

  // 4. the IndexedDB cache.
  out.cache = loom ? await cacheRoundTrip(loom, sql) : null;
  return out;
}

window.result = main().catch((e) => ({ error: `${e?.name}: ${e?.message}\n${e?.stack}` }));
