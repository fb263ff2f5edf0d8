// @ts-check
/**
 * Random valid modules from a seed: a seeded PRNG makes 1–13 KiB of random
 * bytes, binaryen's `wasm-opt -ttf` (translate-to-fuzz) turns them into a
 * valid module, and for half the seeds its optimizer (-O1, -O3 or -Oz) runs
 * over the result. Same seed, same binaryen version → same module.
 *
 * Features: WebAssembly 2.0 minus SIMD and reference types — MVP plus sign
 * extension, mutable globals, non-trapping float-to-int, bulk memory and
 * multi-value. Reference types stay off because binaryen 108 (Debian 12's)
 * generates `(ref func)` and funcref-as-externref code with them that the
 * standard (and Node 20) rejects; exceptions, threads, GC, tail calls and
 * memory64 are not what wasmloom targets yet.
 *
 * Profiles:
 * - `denan`: binaryen's `--denan` pass turns every NaN a float operation
 *   produces into 0, so the module's behaviour is fully deterministic and the
 *   harness compares everything bit for bit.
 * - `raw`: no such pass; arithmetic NaN payloads (and canonical NaN signs) are
 *   nondeterministic by the spec, so the harness excuses differences that
 *   are NaN encodings on both sides (see harness.mjs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FEATURE_FLAGS = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory',
  '--enable-multivalue',
];

/** @typedef {'denan' | 'raw'} Profile */
/** @type {readonly Profile[]} */
export const PROFILES = ['denan', 'raw'];

export const INSTALL_HINT =
  "binaryen's wasm-opt is needed to generate the differential test modules: install it with `apt-get install binaryen` (Debian/Ubuntu; CI installs it in .ci/run) or put binaryen's bin/ on PATH, or set WASM_OPT=/path/to/wasm-opt";

/** @returns {{ ok: true, path: string, version: string } | { ok: false, message: string }} */
export function findWasmOpt() {
  const path = process.env.WASM_OPT || 'wasm-opt';
  try {
    const version = execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return { ok: true, path, version };
  } catch {
    return { ok: false, message: `${path} not found or not runnable. ${INSTALL_HINT}` };
  }
}

/**
 * A small, fast, seedable PRNG (a 32-bit multiply-xorshift generator); not
 * cryptographic, only reproducible.
 * @param {number} seed
 * @returns {() => number} uniform uint32 per call
 */
export function prng(seed) {
  let s = (seed ^ 0x5bd1e995) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

/**
 * The random input bytes for a seed.
 * @param {number} seed
 */
export function randomInput(seed) {
  const next = prng(seed);
  const length = 1024 + (next() % (12 * 1024));
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const w = next();
    bytes[i] = w;
    bytes[i + 1] = w >>> 8;
    bytes[i + 2] = w >>> 16;
    bytes[i + 3] = w >>> 24;
  }
  return bytes.subarray(0, length);
}

/**
 * Half the seeds also run binaryen's optimizer over the generated module, for
 * code shaped like a toolchain's output (br_table, select, folded blocks,
 * loops rotated…) besides the generator's own shapes.
 * @param {number} seed
 * @returns {string | null}
 */
export function optimizeLevel(seed) {
  return [null, '-O1', null, '-O3', null, '-Oz'][prng(seed ^ 0x0b7)() % 6];
}

/**
 * Generates the module of `seed` and `profile` into `dir`.
 * @param {{ wasmOpt: string, seed: number, profile: Profile, dir: string }} options
 * @returns {{ bytes: Uint8Array, path: string }}
 */
export function generateModule({ wasmOpt, seed, profile, dir }) {
  mkdirSync(dir, { recursive: true });
  const input = join(dir, `seed-${seed}-${profile}.input`);
  const output = join(dir, `seed-${seed}-${profile}.wasm`);
  writeFileSync(input, randomInput(seed));
  const args = ['-ttf', input, ...FEATURE_FLAGS];
  if (profile === 'denan') args.push('--denan');
  const level = optimizeLevel(seed);
  if (level) args.push(level);
  args.push('-o', output);
  execFileSync(wasmOpt, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return { bytes: new Uint8Array(readFileSync(output)), path: output };
}

/**
 * The module as text, for a reproduction: wabt's wasm2wat when installed,
 * else binaryen's printer.
 * @param {string} wasmPath
 * @param {string} wasmOpt
 * @returns {string | null}
 */
export function disassemble(wasmPath, wasmOpt) {
  for (const [cmd, args] of /** @type {[string, string[]][]} */ ([
    ['wasm2wat', ['--no-check', wasmPath]],
    [wasmOpt, [wasmPath, '--print', '-all']],
  ])) {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // try the next tool
    }
  }
  return null;
}
