// Picks the engine for this realm (page or worker) from `?engine=`: `native`
// keeps the browser's WebAssembly; `wasmloom` deletes it, then installs
// wasmloom's polyfill, so nothing can fall back to native.
export async function useEngine(engine) {
  if (engine === 'wasmloom') {
    delete globalThis.WebAssembly;
    if ('WebAssembly' in globalThis) throw new Error('could not delete the native WebAssembly');
    await import('/wasmloom/polyfill.js');
    const loom = await import('/wasmloom/index.js');
    if (globalThis.WebAssembly !== loom.WebAssembly) throw new Error('the polyfill did not install wasmloom');
    return loom;
  }
  if (engine !== 'native') throw new Error(`unknown engine ${engine}`);
  if (typeof globalThis.WebAssembly?.Module !== 'function') throw new Error('no native WebAssembly here');
  return null;
}

/** Loads sql.js (an emscripten script that defines `initSqlJs`) into this realm. */
export async function loadSqlJs() {
  const source = await (await fetch('/sql-wasm.js')).text();
  // As a classic <script> would run it (module workers have no importScripts), handing back its `var initSqlJs`.
  return new Function(`${source}\nreturn initSqlJs;`)();
}

/**
 * Runs `sql` on sql.js instantiated from `module` (compiled elsewhere): one
 * result set per statement, or `{ error }` when sql.js fails (the test
 * compares it with the native run's rows, so the failure shows there).
 */
export async function runSql(module, sql) {
  try {
    return await runSqlOrThrow(module, sql);
  } catch (e) {
    return { error: `${e?.name}: ${e?.message}` };
  }
}

async function runSqlOrThrow(module, sql) {
  const initSqlJs = await loadSqlJs();
  const SQL = await initSqlJs({
    instantiateWasm(imports, done) {
      WebAssembly.instantiate(module, imports).then(done, (e) => console.error(e));
      return {};
    },
  });
  const db = new SQL.Database();
  try {
    return db.exec(sql);
  } finally {
    db.close();
  }
}
