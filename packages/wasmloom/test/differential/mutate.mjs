// @ts-check
/**
 * Validity differential: mutations of valid generated modules (bytes flipped,
 * inserted, deleted, LEB128 lengths changed) checked against Node's native
 * WebAssembly: `validate` must answer the same, and `new Module` must throw a
 * CompileError exactly where native does. What the run differential cannot
 * reach: wasmloom's answers on invalid and malformed input.
 *
 *   pnpm build && node packages/wasmloom/test/differential/mutate.mjs [--start S] [--count N] [--mutants M]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWasmOpt, generateModule, prng } from './generate.mjs';

const DIST = new URL('../../dist/index.js', import.meta.url);

/**
 * The `n`-th mutant of `bytes` (deterministic in `seed`): one to three edits.
 * @param {Uint8Array} bytes
 * @param {number} seed
 * @returns {Uint8Array}
 */
export function mutant(bytes, seed) {
  const random = prng(seed);
  const next = () => random() / 4294967296;
  const pick = (/** @type {number} */ n) => Math.floor(next() * n);
  let out = Array.from(bytes);
  const edits = 1 + pick(3);
  for (let e = 0; e < edits; e++) {
    // Past the header mostly: a broken magic number is one answer for any engine.
    const at = 8 + pick(Math.max(1, out.length - 8));
    switch (pick(5)) {
      case 0:
        out[at] ^= 1 << pick(8);
        break;
      case 1:
        out[at] = pick(256);
        break;
      case 2:
        out.splice(at, 0, pick(256));
        break;
      case 3:
        out.splice(at, 1 + pick(4));
        break;
      default:
        // An operator or immediate swapped for a nearby one.
        out[at] = (out[at] + (next() < 0.5 ? 1 : -1)) & 0xff;
    }
  }
  if (out.length < 8) out = Array.from(bytes.subarray(0, 8));
  return new Uint8Array(out);
}

/**
 * Native's and wasmloom's answers for `bytes`: validate, and what `new Module` throws.
 * @param {typeof WebAssembly} ns
 * @param {Uint8Array} bytes
 */
function answer(ns, bytes) {
  const valid = ns.validate(bytes);
  let thrown = 'none';
  let unsupported = false;
  try {
    new ns.Module(bytes);
  } catch (e) {
    const { name, message } = /** @type {Error} */ (e);
    thrown = e instanceof ns.CompileError ? 'CompileError' : `${name}: ${message}`;
    // A feature wasmloom rejects by name (SIMD, exceptions, ...): not a disagreement.
    unsupported = / is not implemented by wasmloom yet/.test(message);
  }
  return { valid, thrown, unsupported };
}

/**
 * Checks `mutants` mutants of each generated module for seeds `start ..
 * start + count - 1`; returns the disagreements.
 * @param {{ start: number, count: number, mutants: number, wasmloom: typeof WebAssembly }} o
 */
export function runMutations({ start, count, mutants, wasmloom }) {
  const tool = findWasmOpt();
  if (!tool.ok) throw new Error(`mutate.mjs: ${tool.message}`);
  const wasmOpt = tool.path;
  const dir = mkdtempSync(join(tmpdir(), 'wasmloom-mutate-'));
  /** @type {{ seed: number, mutant: number, native: object, wasmloom: object }[]} */
  const differences = [];
  let checked = 0;
  let invalid = 0;
  let unsupported = 0;
  try {
    for (let seed = start; seed < start + count; seed++) {
      const { bytes } = generateModule({ wasmOpt, seed, profile: 'denan', dir });
      for (let k = 0; k < mutants; k++) {
        const m = mutant(bytes, seed * 1000 + k);
        const native = answer(WebAssembly, m);
        const mine = answer(wasmloom, m);
        checked++;
        if (!native.valid) invalid++;
        if (native.valid && mine.unsupported) unsupported++;
        else if (native.valid !== mine.valid || native.thrown !== mine.thrown)
          differences.push({ seed, mutant: k, native, wasmloom: mine });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { checked, invalid, unsupported, differences };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ name, /** @type {number} */ d) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const { WebAssembly: wasmloom } = await import(DIST.href);
  const start = opt('--start', 1);
  const count = opt('--count', 200);
  const mutants = opt('--mutants', 10);
  const t0 = performance.now();
  const r = runMutations({ start, count, mutants, wasmloom });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `mutation fuzz: seeds ${start}..${start + count - 1} × ${mutants} mutants: ${r.checked} modules (${r.invalid} invalid natively, ${r.unsupported} valid but using a feature wasmloom rejects by name) in ${s} s, ${r.differences.length} disagreements`,
  );
  for (const d of r.differences.slice(0, 20)) console.log(JSON.stringify(d));
  process.exitCode = r.differences.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
