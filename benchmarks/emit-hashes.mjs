/**
 * Fingerprints of what the compiler emits: the SHA-256 of every function's JS
 * source (or its error) for real modules, the kernels and every module of the
 * spec suite, with the default split limits and with every function split. Two
 * compilers that print the same lines emit byte-identical code for all of them.
 *
 *   node benchmarks/emit-hashes.mjs [--from DIR] [--only NAME,...]
 *
 * `--from DIR` loads `@wasmloom/binary` and `@wasmloom/compiler` as resolved
 * from DIR (for example a copy of an older build), else this workspace's build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALGORITHMS } from '../packages/realworld/scenarios/hashwasm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const from = resolve(opt('--from') ?? here);
const only = opt('--only')?.split(',');

const req = createRequire(join(from, 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const { parseModule } = await load('@wasmloom/binary');
const { compileFunction } = await load('@wasmloom/compiler');

const realworld = createRequire(join(here, '../packages/realworld/package.json'));

/** hash-wasm embeds its modules in its JS: the bytes its functions hand to WebAssembly. */
async function hashWasmModules() {
  const seen = [];
  const keep = (b) => {
    const bytes = b instanceof Uint8Array ? b : new Uint8Array(b.buffer ?? b);
    seen.push(new Uint8Array(bytes));
  };
  const native = globalThis.WebAssembly;
  const { compile, instantiate } = native;
  native.compile = (b, ...r) => {
    keep(b);
    return compile.call(native, b, ...r);
  };
  native.instantiate = (b, ...r) => {
    if (!(b instanceof native.Module)) keep(b);
    return instantiate.call(native, b, ...r);
  };
  try {
    const hw = realworld('hash-wasm');
    for (const name of ALGORITHMS) await hw[name](new Uint8Array(1));
  } finally {
    native.compile = compile;
    native.instantiate = instantiate;
  }
  return seen;
}

const file = (p) => () => [readFileSync(p)];
const groups = [
  ['esbuild-wasm', file(join(here, 'node_modules/esbuild-wasm/esbuild.wasm'))],
  ['sql.js', file(join(here, 'node_modules/sql.js/dist/sql-wasm.wasm'))],
  [
    'brotli-wasm',
    file(join(here, '../packages/realworld/node_modules/brotli-wasm/pkg.node/brotli_wasm_bg.wasm')),
  ],
  ['hash-wasm', hashWasmModules],
  ['@ffmpeg/core', file(join(here, 'node_modules/@ffmpeg/core/dist/esm/ffmpeg-core.wasm'))],
  ['resvg', file(join(here, 'node_modules/@resvg/resvg-wasm/index_bg.wasm'))],
  [
    'kernels',
    () =>
      readdirSync(join(here, '../fixtures/kernels'))
        .filter((f) => f.endsWith('.wasm'))
        .sort()
        .map((f) => readFileSync(join(here, '../fixtures/kernels', f))),
  ],
  ['spec', () => specModules(process.env.WASMLOOM_TESTSUITE ?? join(here, '../../shared/testsuite'))],
];

function specModules(root) {
  const dir = join(root, 'json');
  if (!existsSync(dir)) throw new Error(`spec suite not found at ${dir} (set WASMLOOM_TESTSUITE)`);
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.wasm')) out.push(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Every function's source (or error) under `limits`, into `hash`; returns the characters emitted. */
function emitAll(bytes, hash, limits) {
  let parsed;
  try {
    parsed = parseModule(new Uint8Array(bytes));
  } catch (e) {
    hash.update(`module error: ${e.message}\n`);
    return 0;
  }
  let chars = 0;
  for (const body of parsed.bodies) {
    try {
      const src = compileFunction(parsed.env, body.index, body, limits);
      chars += src.length;
      hash.update(src);
      hash.update('\n');
    } catch (e) {
      hash.update(`error ${body.index}: ${e.message}\n`);
    }
  }
  return chars;
}

const SPLIT_ALL = { splitChars: 0, segmentChars: 1 };
for (const [name, modules] of groups) {
  if (only && !only.includes(name)) continue;
  const list = await modules();
  const plain = createHash('sha256');
  const split = createHash('sha256');
  let chars = 0;
  for (const bytes of list) {
    chars += emitAll(bytes, plain, undefined);
    if (name === 'spec' || name === 'kernels') emitAll(bytes, split, SPLIT_ALL);
  }
  const splitText = name === 'spec' || name === 'kernels' ? ` split ${split.digest('hex').slice(0, 16)}` : '';
  console.log(
    `${name.padEnd(13)} ${String(list.length).padStart(5)} modules ${String(chars).padStart(10)} chars  ${plain.digest('hex').slice(0, 16)}${splitText}`,
  );
}
