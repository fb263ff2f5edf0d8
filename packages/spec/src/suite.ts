/**
 * The test suites on disk: where they are, their scripts (the 2.0 suite's
 * manifest and JSON files, the 3.0 suite's `.wast` files by folder), and the
 * features each group needs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureSet } from './namespace.js';

export const TESTSUITE_ENV = 'WASMLOOM_TESTSUITE';

/** The repository root (this file is packages/spec/{src,dist}/suite.*). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function defaultTestsuiteDir(): string {
  return resolve(REPO_ROOT, '../shared/testsuite');
}

export class MissingTestsuite extends Error {
  override name = 'MissingTestsuite';
}

/** The test suite directory: `$WASMLOOM_TESTSUITE`, else `../shared/testsuite` beside the repo. */
export function locateTestsuite(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env[TESTSUITE_ENV];
  const dir = fromEnv ? resolve(fromEnv) : defaultTestsuiteDir();
  if (!existsSync(join(dir, 'manifest.tsv')) || !existsSync(join(dir, 'json'))) {
    throw new MissingTestsuite(
      `WebAssembly test suite not found at ${dir} (expected manifest.tsv and json/ there).\n` +
        `${fromEnv ? `${TESTSUITE_ENV} points there` : 'That is the default location'}; set ${TESTSUITE_ENV} ` +
        'to the directory of the converted test suite (see ARCHITECTURE.md, "Conformance sources").',
    );
  }
  return dir;
}

export interface ManifestEntry {
  /** Path of the `.wast` under `wast/`, e.g. `address.wast`, `proposals/gc/binary.wast`. */
  file: string;
  group: string;
  flags: string;
  /** Count of each command kind (`module`, `assert_return`, ...) and `asserts`. */
  counts: Record<string, number>;
}

export function readManifest(dir: string): ManifestEntry[] {
  const lines = readFileSync(join(dir, 'manifest.tsv'), 'utf8').split('\n').filter(Boolean);
  const header = lines[0].split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    const counts: Record<string, number> = {};
    header.forEach((h, i) => {
      if (i >= 3) counts[h] = Number(cells[i]);
    });
    return { file: cells[0], group: cells[1], flags: cells[2], counts };
  });
}

/** `json/<dir>/<name>/<name>.json` for a manifest file `<dir>/<name>.wast`. */
export function scriptJsonPath(dir: string, file: string): string {
  const stem = file.replace(/\.wast$/, '');
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  return join(dir, 'json', stem, `${base}.json`);
}

/** How many commands of a manifest row the runner counts (every command, assertions and others). */
export function manifestCommandCount(e: ManifestEntry): number {
  let n = 0;
  for (const [k, v] of Object.entries(e.counts)) if (k !== 'asserts') n += v;
  return n;
}

// ---- Features per group -----------------------------------------------------------

/** WebAssembly 2.0: what every group starts from. Names are `@wasmloom/binary`'s `Features`. */
export const BASE_FEATURES: Readonly<FeatureSet> = Object.freeze({
  signExtension: true,
  saturatingFloatToInt: true,
  multiValue: true,
  bulkMemory: true,
  referenceTypes: true,
  simd: true,
  relaxedSimd: false,
  threads: false,
  exceptions: false,
  tailCall: false,
  extendedConst: false,
  multiMemory: false,
  memory64: false,
  functionReferences: false,
  gc: false,
});

/** What each group of manifest.tsv adds to the 2.0 base. */
export const GROUP_FEATURES: Readonly<Record<string, FeatureSet>> = Object.freeze({
  core: {},
  simd: {},
  'proposals/tail-call': { tailCall: true },
  'proposals/extended-const': { extendedConst: true },
  'proposals/multi-memory': { multiMemory: true },
  'proposals/memory64': { memory64: true },
  'proposals/exception-handling': { exceptions: true },
  'proposals/threads': { threads: true },
  'proposals/function-references': { functionReferences: true, tailCall: true },
  'proposals/gc': { gc: true, functionReferences: true, tailCall: true },
  'proposals/relaxed-simd': { relaxedSimd: true },
});

/** The complete feature set for a group (unknown groups get the 2.0 base). */
export function featuresForGroup(group: string): FeatureSet {
  return { ...BASE_FEATURES, ...(GROUP_FEATURES[group] ?? {}) };
}

export function describeFeatures(f: FeatureSet): string {
  const on = Object.keys(f).filter((k) => f[k] && !BASE_FEATURES[k]);
  return on.length ? `2.0 + ${on.join(', ')}` : '2.0';
}

// ---- The 3.0 suite (.wast) ------------------------------------------------------------

export const SPEC3_ENV = 'WASMLOOM_SPEC3';

/** The 3.0 suite directory: `$WASMLOOM_SPEC3`, else `../shared/spec-3.0` beside the repo. */
export function locateSpec3(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env[SPEC3_ENV];
  const dir = fromEnv ? resolve(fromEnv) : resolve(REPO_ROOT, '../shared/spec-3.0');
  if (!existsSync(join(dir, 'wast'))) {
    throw new MissingTestsuite(
      `WebAssembly 3.0 test suite not found at ${dir} (expected wast/ there).\n` +
        `${fromEnv ? `${SPEC3_ENV} points there` : 'That is the default location'}; set ${SPEC3_ENV} ` +
        'to the directory holding wast/ and legacy-exceptions/ (WebAssembly/spec test/core).',
    );
  }
  return dir;
}

/** WebAssembly 3.0: every standard feature (threads are not part of it). */
export const SPEC3_FEATURES: Readonly<FeatureSet> = Object.freeze({
  ...BASE_FEATURES,
  relaxedSimd: true,
  exceptions: true,
  tailCall: true,
  extendedConst: true,
  multiMemory: true,
  memory64: true,
  functionReferences: true,
  gc: true,
});

/** The group of the top-level scripts of `wast/`. */
export const SPEC3_TOP_LEVEL = 'top level';

export interface Spec3Entry {
  /** Path under the suite directory: `wast/address.wast`, `wast/simd/simd_lane.wast`, `legacy-exceptions/throw.wast`. */
  file: string;
  /** `top level`, or the folder: `simd`, `gc`, ..., `legacy-exceptions`. */
  group: string;
}

/** Every `.wast` of the 3.0 suite, by group: `wast/`'s top level, its folders, `legacy-exceptions/`. */
export function listSpec3(dir: string): Spec3Entry[] {
  const out: Spec3Entry[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.wast')) out.push({ file: relative(dir, p).split('\\').join('/'), group: '' });
    }
  };
  for (const top of ['wast', 'legacy-exceptions']) if (existsSync(join(dir, top))) walk(join(dir, top));
  for (const e of out) {
    const parts = e.file.split('/');
    e.group = parts[0] === 'wast' ? (parts.length > 2 ? parts[1] : SPEC3_TOP_LEVEL) : parts[0];
  }
  // Top level first, the folders of wast/ by name, legacy-exceptions last.
  const rank = (e: Spec3Entry) =>
    e.group === SPEC3_TOP_LEVEL ? '0' : e.file.startsWith('wast/') ? `1${e.group}` : `2${e.group}`;
  return out.sort((a, b) => rank(a).localeCompare(rank(b)) || a.file.localeCompare(b.file));
}
