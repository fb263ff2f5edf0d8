/**
 * Loaded with `node --import` (also through NODE_OPTIONS, so that child
 * processes a package spawns get it too) before any package code runs: puts
 * the engine named by REALWORLD_ENGINE in `globalThis.WebAssembly`.
 *
 * - native: Node's own WebAssembly, untouched.
 * - wasmloom: the native namespace is deleted first, then `wasmloom/polyfill`
 *   installs wasmloom's (it installs where none exists), so nothing can fall
 *   back to native.
 * - polywasm: the same with polywasm's namespace (for timings; resolved from
 *   the benchmarks package, where it is a devDependency).
 *
 * Each process that loads this appends "pid engine isWasmloom" to the file
 * named by REALWORLD_MARK, which lets the tests check that every process that
 * ran wasm (esbuild's service process included) had the intended engine.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const engine = process.env.REALWORLD_ENGINE ?? 'native';

if (engine === 'wasmloom') {
  delete globalThis.WebAssembly;
  await import('wasmloom/polyfill');
} else if (engine === 'polywasm') {
  const require = createRequire(new URL('../../../benchmarks/package.json', import.meta.url));
  const { WebAssembly: polywasm } = await import(require.resolve('polywasm'));
  delete globalThis.WebAssembly;
  Object.defineProperty(globalThis, 'WebAssembly', { value: polywasm, writable: true, configurable: true });
} else if (engine !== 'native') {
  throw new Error(`REALWORLD_ENGINE must be native, wasmloom or polywasm, not ${engine}`);
}

if (process.env.REALWORLD_MARK) {
  const isWasmloom = Object.hasOwn(globalThis.WebAssembly, Symbol.for('wasmloom.invokeRaw'));
  appendFileSync(process.env.REALWORLD_MARK, `${process.pid} ${engine} ${isWasmloom}\n`);
}
