#!/usr/bin/env node
// @ts-check
/**
 * The long differential fuzz run: wasmloom (the built dist) against Node's
 * native WebAssembly on many generated modules. See ./README.md.
 *
 *   pnpm build && node packages/wasmloom/test/differential/cli.mjs [options]
 *
 * Each module runs in a worker thread with a time limit, so a miscompiled
 * infinite loop is reported as a hang instead of stopping the run. For every
 * mismatch the module, its text, a report and a standalone repro script are
 * written to the output folder.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { disassemble, findWasmOpt, generateModule, PROFILES } from './generate.mjs';
import {
  formatResult,
  HANG_LIMIT_EXPORT,
  jsLiteral,
  makePlan,
  nativeEngine,
  runDifferential,
} from './harness.mjs';
import { readSignatures } from './wasm-signatures.mjs';

const DIST = new URL('../../dist/index.js', import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const SELF_REL = 'packages/wasmloom/test/differential/cli.mjs';

const USAGE = `usage: node ${SELF_REL} [options]

  --start S              first seed (default 1)
  --count N              number of seeds (default 500): seeds S .. S+N-1
  --seed S               only seed S (prints the whole report)
  --profile P            denan | raw | both (default both: each seed in both)
  --engine E             wasmloom (default) | native (native vs native: checks the harness)
  --jobs J               worker threads (default: available cores - 1, at least 1)
  --timeout MS           per module (default 20000); longer counts as a hang
  --out DIR              where failing modules and reports go (default: a new folder in $TMPDIR)
  --max-failures N       stop after N mismatches (default 25)
  --ignore-trap-messages compare traps without their messages
  --wasm FILE            run one saved module instead of generating (with --seed and --profile
                         for the arguments and equality rule; defaults 0 and denan)
  --check                with --wasm: print only "ok", "skipped" or the mismatch category,
                         exit 1 on a mismatch (the interface wasm-reduce needs)
  --show-notes           print each module's excused NaN-bit differences (raw profile)
  --quiet                no progress lines`;

/**
 * @typedef {{
 *   start: number, count: number, profiles: ('denan' | 'raw')[], engine: string, jobs: number,
 *   timeout: number, out: string | null, maxFailures: number, trapMessages: boolean,
 *   wasm: string | null, check: boolean, quiet: boolean, single: boolean, showNotes: boolean,
 * }} Options
 */

/** @returns {Options} */
function parseArgs(/** @type {string[]} */ argv) {
  /** @type {Options} */
  const o = {
    start: 1,
    count: 500,
    profiles: [...PROFILES],
    engine: 'wasmloom',
    jobs: Math.max(1, availableParallelism() - 1),
    timeout: 20_000,
    out: null,
    maxFailures: 25,
    trapMessages: true,
    wasm: null,
    check: false,
    quiet: false,
    single: false,
    showNotes: false,
  };
  let profileGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fatal(`${arg} needs a value\n\n${USAGE}`);
      return /** @type {string} */ (v);
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) fatal(`${arg} takes a non-negative integer`);
      return v;
    };
    switch (arg) {
      case '--start':
        o.start = int();
        break;
      case '--count':
        o.count = int();
        break;
      case '--seed':
        o.start = int();
        o.count = 1;
        o.single = true;
        break;
      case '--profile': {
        const p = value();
        if (p === 'both') o.profiles = [...PROFILES];
        else if (p === 'denan' || p === 'raw') o.profiles = [p];
        else fatal(`--profile: denan, raw or both, not ${p}`);
        profileGiven = true;
        break;
      }
      case '--engine':
        o.engine = value();
        if (o.engine !== 'wasmloom' && o.engine !== 'native') fatal('--engine: wasmloom or native');
        break;
      case '--jobs':
        o.jobs = Math.max(1, int());
        break;
      case '--timeout':
        o.timeout = int();
        break;
      case '--out':
        o.out = resolve(value());
        break;
      case '--max-failures':
        o.maxFailures = Math.max(1, int());
        break;
      case '--ignore-trap-messages':
        o.trapMessages = false;
        break;
      case '--wasm':
        o.wasm = resolve(value());
        break;
      case '--check':
        o.check = true;
        break;
      case '--show-notes':
        o.showNotes = true;
        break;
      case '--quiet':
        o.quiet = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fatal(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  if (o.wasm) {
    if (!o.single) o.start = 0;
    if (!profileGiven) o.profiles = ['denan'];
  }
  if (o.check && !o.wasm) fatal('--check needs --wasm FILE');
  return o;
}

/** @param {string} message @returns {never} */
function fatal(message) {
  console.error(message);
  process.exit(2);
}

/**
 * The engine under test.
 * @param {string} which
 * @returns {Promise<import('./harness.mjs').Engine>}
 */
async function loadEngine(which) {
  if (which === 'native') return nativeEngine();
  if (!existsSync(DIST))
    fatal(`wasmloom is not built (${fileURLToPath(DIST)} is missing): run \`npx -y pnpm@10 build\` first`);
  const mod = await import(DIST.href);
  return { name: 'wasmloom', ns: mod.WebAssembly };
}

/**
 * Whether the engine can instantiate at all (wasmloom before its compiler and
 * runtime landed could not): an empty module's Instance.
 * @param {import('./harness.mjs').Engine} engine
 */
function probe(engine) {
  try {
    new engine.ns.Instance(new engine.ns.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), {});
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

// ---- one module (runs in a worker, or inline for --wasm) -----------------------------

/**
 * @param {{ seed: number, profile: 'denan' | 'raw', wasm: string | null, work: string, wasmOpt: string, trapMessages: boolean }} job
 * @param {import('./harness.mjs').Engine} engine
 */
function runJob(job, engine) {
  let bytes;
  let path;
  if (job.wasm) {
    path = job.wasm;
    bytes = new Uint8Array(readFileSync(path));
  } else {
    ({ bytes, path } = generateModule({
      wasmOpt: job.wasmOpt,
      seed: job.seed,
      profile: job.profile,
      dir: job.work,
    }));
  }
  const result = runDifferential(bytes, [nativeEngine(), engine], {
    seed: job.seed,
    profile: job.profile,
    trapMessages: job.trapMessages,
  });
  if (!job.wasm && result.verdict !== 'mismatch') {
    // keep the work folder small on long runs: only failing modules stay
    rmSync(path, { force: true });
    rmSync(path.replace(/\.wasm$/, '.input'), { force: true });
  }
  return {
    verdict: result.verdict,
    category: result.mismatch?.category ?? null,
    step: result.mismatch?.step ?? null,
    notes: result.notes.length,
    firstNote: result.notes[0] ?? null,
    calls: result.steps.length,
    report: formatResult(result, { seed: job.seed, profile: job.profile, wasmPath: path }),
    path,
  };
}

if (!isMainThread) {
  const engine = await loadEngine(workerData.engine);
  parentPort?.on('message', (job) => {
    try {
      parentPort?.postMessage({ ok: true, job, out: runJob(job, engine) });
    } catch (e) {
      parentPort?.postMessage({
        ok: false,
        job,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
    }
  });
} else {
  await main();
}

// ---- reproduction files ---------------------------------------------------------------

/**
 * A standalone script replaying the calls up to the failing one on both engines.
 * @param {string} wasmFile
 * @param {Uint8Array} bytes
 * @param {number} seed
 * @param {'denan' | 'raw'} profile
 * @param {number | null} lastStep
 */
function reproScript(wasmFile, bytes, seed, profile, lastStep) {
  const sig = readSignatures(bytes);
  const plan = makePlan(bytes, seed, profile);
  const upTo = typeof lastStep === 'number' ? lastStep : -1;
  const hang = sig.exports.some((e) => e.name === HANG_LIMIT_EXPORT);
  const lines = [
    `// Reproduction: seed ${seed}, profile ${profile} (${SELF_REL}).`,
    `// Runs the calls of the differential plan up to step ${upTo} on native and on wasmloom and prints`,
    '// what the last call returned, the import calls it made and a hash of exported memory.',
    `//   node ${basename(wasmFile, '.wasm')}.repro.mjs   (after \`pnpm build\`)`,
    "import { readFileSync } from 'node:fs';",
    `import { WebAssembly as Loom } from ${JSON.stringify(DIST.href)};`,
    '',
    `const bytes = readFileSync(new URL(${JSON.stringify(`./${basename(wasmFile)}`)}, import.meta.url));`,
    "for (const [name, ns] of [['native', WebAssembly], ['wasmloom', Loom]]) {",
    '  const log = [];',
    '  const imports = {};',
  ];
  for (const imp of sig.imports) {
    const ret = imp.type?.results.length ? (imp.type.results[0] === 'i64' ? '0n' : '0') : 'undefined';
    lines.push(
      `  (imports[${JSON.stringify(imp.module)}] ??= {})[${JSON.stringify(imp.name)}] = (...args) => { log.push([${JSON.stringify(imp.name)}, ...args]); return ${ret}; };`,
    );
  }
  lines.push(
    '  const { exports } = new ns.Instance(new ns.Module(bytes), imports);',
    '  const call = (f, ...args) => {',
    '    log.length = 0;',
    hang ? `    exports.${HANG_LIMIT_EXPORT}();` : '',
    "    try { return exports[f](...args); } catch (e) { return e.name + ': ' + e.message; }",
    '  };',
  );
  for (const c of plan.slice(0, Math.max(0, upTo))) {
    lines.push(`  call(${JSON.stringify(c.export)}${c.args.map((a) => `, ${jsLiteral(a)}`).join('')});`);
  }
  const last = plan[upTo];
  lines.push(
    last
      ? `  const result = call(${JSON.stringify(last.export)}${last.args.map((a) => `, ${jsLiteral(a)}`).join('')});`
      : '  const result = undefined;',
    '  let hash = 0x811c9dc5;',
    '  for (const x of Object.values(exports)) if (x instanceof ns.Memory) for (const b of new Uint8Array(x.buffer)) hash = Math.imul(hash ^ b, 16777619);',
    '  console.log(name, { result, log, memoryHash: (hash >>> 0).toString(16) });',
    '}',
    '',
  );
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * @param {string} out
 * @param {{ seed: number, profile: 'denan' | 'raw' }} job
 * @param {{ report: string, path: string, step: number | string | null }} res
 * @param {string} wasmOpt
 */
function saveFailure(out, job, res, wasmOpt) {
  mkdirSync(out, { recursive: true });
  const base = join(out, `seed-${job.seed}-${job.profile}`);
  if (!existsSync(res.path)) {
    writeFileSync(`${base}.txt`, `${res.report}\n(the module was not generated yet when the time ran out)\n`);
    return base;
  }
  const bytes = new Uint8Array(readFileSync(res.path));
  writeFileSync(`${base}.wasm`, bytes);
  const text = disassemble(`${base}.wasm`, wasmOpt);
  if (text) writeFileSync(`${base}.wat`, text);
  writeFileSync(`${base}.txt`, `${res.report}\n`);
  writeFileSync(
    `${base}.repro.mjs`,
    reproScript(`${base}.wasm`, bytes, job.seed, job.profile, typeof res.step === 'number' ? res.step : null),
  );
  return base;
}

// ---- main ------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const tool = findWasmOpt();
  if (!tool.ok && !o.wasm) fatal(tool.message);
  const wasmOpt = tool.ok ? tool.path : 'wasm-opt';
  // wasm-reduce runs binaryen's other tools from this folder (its -b option)
  const binDir = wasmOpt.includes('/')
    ? dirname(resolve(wasmOpt))
    : ((process.env.PATH ?? '').split(':').find((d) => d && existsSync(join(d, wasmOpt))) ?? '/usr/bin');
  const engine = await loadEngine(o.engine);
  const notReady = probe(engine);
  if (notReady) {
    fatal(
      `${engine.name} cannot instantiate modules yet (${notReady}); nothing to compare. Use --engine native to check the harness.`,
    );
  }

  if (o.check) {
    const res = runJob(
      {
        seed: o.start,
        profile: o.profiles[0],
        wasm: o.wasm,
        work: '',
        wasmOpt,
        trapMessages: o.trapMessages,
      },
      engine,
    );
    console.log(res.verdict === 'mismatch' ? `mismatch ${res.category}` : res.verdict);
    process.exit(res.verdict === 'mismatch' ? 1 : 0);
  }

  const out = o.out ?? join(tmpdir(), `wasmloom-fuzz-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const work = join(out, 'work');
  mkdirSync(work, { recursive: true });
  /** @type {{ seed: number, profile: 'denan' | 'raw', wasm: string | null, work: string, wasmOpt: string, trapMessages: boolean }[]} */
  const jobs = [];
  for (let seed = o.start; seed < o.start + o.count; seed++) {
    for (const profile of o.profiles)
      jobs.push({ seed, profile, wasm: o.wasm, work, wasmOpt, trapMessages: o.trapMessages });
  }
  console.log(
    `differential fuzz: ${jobs.length} modules (seeds ${o.start}..${o.start + o.count - 1}, ${o.profiles.join('+')}), native vs ${engine.name}, ${tool.ok ? tool.version : 'no wasm-opt'}, ${o.jobs} workers, output ${out}`,
  );

  const t0 = performance.now();
  /** @type {Map<string, number>} */
  const byCategory = new Map();
  let done = 0;
  let ok = 0;
  let skipped = 0;
  let failures = 0;
  let notes = 0;
  let calls = 0;
  let next = 0;
  let stopping = false;

  /** @param {typeof jobs[number]} job @param {any} res */
  const onResult = (job, res) => {
    done++;
    calls += res.calls;
    notes += res.notes;
    if (res.notes && o.showNotes) {
      console.log(
        `seed ${job.seed} (${job.profile}): ${res.notes} excused NaN-bit differences, first: ${res.firstNote}`,
      );
    }
    if (res.verdict === 'ok') ok++;
    else if (res.verdict === 'skipped') {
      skipped++;
      if (!o.quiet) console.log(res.report);
    } else {
      failures++;
      byCategory.set(res.category, (byCategory.get(res.category) ?? 0) + 1);
      const base = saveFailure(out, job, res, wasmOpt);
      console.log(`\n${res.report}`);
      console.log(`  saved: ${base}.*`);
      console.log(`  rerun: node ${SELF_REL} --seed ${job.seed} --profile ${job.profile}`);
      console.log(
        `  reduce: wasm-reduce -b ${binDir} ${base}.wasm --command "node ${SELF} --wasm ${base}.t.wasm --seed ${job.seed} --profile ${job.profile} --check" -t ${base}.t.wasm -w ${base}.reduced.wasm`,
      );
      if (failures >= o.maxFailures) stopping = true;
    }
    if (o.single && res.verdict === 'ok') console.log(res.report);
    else if (!o.quiet && done % 50 === 0) {
      console.log(
        `… ${done}/${jobs.length} modules, ${failures} mismatches, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
  };

  await new Promise((resolveAll) => {
    let active = 0;
    const spawn = () => {
      const worker = new Worker(SELF, { workerData: { engine: o.engine } });
      /** @type {NodeJS.Timeout | null} */
      let timer = null;
      /** @type {typeof jobs[number] | null} */
      let current = null;
      active++;
      const finish = () => {
        active--;
        if (active === 0) resolveAll(undefined);
      };
      const feed = () => {
        if (stopping || next >= jobs.length) {
          void worker.terminate();
          return;
        }
        current = jobs[next++];
        timer = setTimeout(() => {
          const job = /** @type {typeof jobs[number]} */ (current);
          current = null;
          onResult(job, {
            verdict: 'mismatch',
            category: 'hang',
            step: null,
            notes: 0,
            calls: 0,
            report: `seed ${job.seed} (${job.profile}): MISMATCH [hang] no result within ${o.timeout} ms (native runs binaryen's modules in milliseconds)`,
            path: join(work, `seed-${job.seed}-${job.profile}.wasm`),
          });
          void worker.terminate();
          spawn();
        }, o.timeout);
        worker.postMessage(current);
      };
      worker.on('message', (msg) => {
        if (timer) clearTimeout(timer);
        if (!current) return;
        current = null;
        if (msg.ok) onResult(msg.job, msg.out);
        else {
          done++;
          failures++;
          byCategory.set('harness-error', (byCategory.get('harness-error') ?? 0) + 1);
          console.log(`\nseed ${msg.job.seed} (${msg.job.profile}): HARNESS ERROR\n${msg.error}`);
          if (failures >= o.maxFailures) stopping = true;
        }
        feed();
      });
      worker.on('error', (e) => {
        console.error(`worker error: ${e.stack ?? e}`);
      });
      worker.on('exit', finish);
      feed();
    };
    for (let i = 0; i < Math.min(o.jobs, jobs.length); i++) spawn();
    if (jobs.length === 0) resolveAll(undefined);
  });

  const secs = (performance.now() - t0) / 1000;
  console.log(
    `\n${done} modules in ${secs.toFixed(1)} s (${(done / secs).toFixed(1)}/s), ${calls} calls: ${ok} ok, ${failures} mismatches, ${skipped} skipped (native rejected), ${notes} excused NaN-bit differences`,
  );
  if (byCategory.size)
    console.log(`mismatches by category: ${[...byCategory].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (failures) console.log(`reports and modules: ${out}`);
  if (stopping) console.log(`stopped after ${o.maxFailures} mismatches (--max-failures)`);
  process.exitCode = failures ? 1 : 0;
}
