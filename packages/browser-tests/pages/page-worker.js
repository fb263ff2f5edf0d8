// Receives modules by postMessage: `big` (esbuild-wasm) and `sql` (sql.js),
// compiled on the page. With wasmloom they arrive as plain objects (structured
// clones), which the polyfilled WebAssembly takes as they are.
import { runSql, useEngine } from '/engine.js';

// What this worker had as WebAssembly before anything ran ("undefined" in Chromium --jitless).
const nativeWebAssembly = typeof globalThis.WebAssembly;

addEventListener('message', async ({ data: { engine, big, sql, query } }) => {
  try {
    const loom = await useEngine(engine);
    const shape = loom
      ? { keys: Object.keys(sql), plain: Object.getPrototypeOf(sql) === Object.prototype }
      : null;
    const timings = {};
    let t = performance.now();
    const bigExports = WebAssembly.Module.exports(big); // wasmloom: the first use adopts the clone
    timings.workerAdoptBig = performance.now() - t;
    t = performance.now();
    const rows = await runSql(sql, query);
    timings.workerSql = performance.now() - t;
    postMessage({ shape, bigExports, rows, stats: loom?.moduleStats() ?? null, timings, nativeWebAssembly });
  } catch (e) {
    postMessage({ error: `${e?.name}: ${e?.message}\n${e?.stack}` });
  }
});
