/**
 * Timings of the real-package scenarios on native WebAssembly, wasmloom and
 * polywasm, each run in its own process (scenarios/run.mjs), printed as a
 * Markdown table with each engine's outputs checked against native's.
 *
 *   node packages/realworld/bench.mjs [--runs 3] [--only sqljs,brotli] [--engines native,wasmloom,polywasm]
 *                                     [--jitless]
 *
 * Needs `npx tsc -b packages/wasmloom`. Medians of the runs; "load" is
 * loading and compiling the package's wasm, "work" the scenario itself.
 * `--jitless` adds wasmloom and polywasm under `node --jitless` (no JIT, no
 * native WebAssembly; through NODE_OPTIONS, so spawned processes too), their
 * "× native" against native with the JIT, for scale.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', '1'));
const scenarios = option('only', 'sqljs,hashwasm,brotli,esbuild').split(',');
const engines = option('engines', 'native,wasmloom,polywasm').split(',');
if (args.includes('--jitless')) {
  for (const e of ['wasmloom', 'polywasm']) if (engines.includes(e)) engines.push(`${e} --jitless`);
}
const dir = fileURLToPath(new URL('.', import.meta.url));
const engineSetup = fileURLToPath(new URL('./scenarios/engine.mjs', import.meta.url));

/** `engine` is an engine of scenarios/engine.mjs, or one followed by " --jitless". */
function runOnce(scenario, engine) {
  const [name, jitless] = engine.split(' ');
  try {
    const out = execFileSync(process.execPath, ['scenarios/run.mjs', scenario], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_OPTIONS: `${jitless ?? ''} --import=${engineSetup}`.trim(),
        REALWORLD_ENGINE: name,
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      timeout: 1_800_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch (e) {
    const lines = String(e.stderr ?? e.message).split('\n');
    return {
      error: lines.find((l) => /^\s*\w*Error\b/.test(l))?.trim() ?? lines.find((l) => l.trim())?.trim() ?? '',
    };
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) =>
  ms === undefined ? '–' : ms >= 100 ? Math.round(ms).toLocaleString('en') : ms.toFixed(1);

const rows = [
  '| package | engine | load ms | work ms | total ms | × native (total) | outputs |',
  '| --- | --- | ---: | ---: | ---: | ---: | --- |',
];
for (const scenario of scenarios) {
  let reference;
  let nativeTotal;
  for (const engine of engines) {
    const results = Array.from({ length: runs }, () => runOnce(scenario, engine));
    const ok = results.filter((r) => !r.error);
    if (ok.length === 0) {
      rows.push(
        `| ${scenario} | ${engine} | | | | | fails: ${results[0].error.slice(0, 120).replaceAll('|', '\\|')} |`,
      );
      continue;
    }
    const t = (k) => median(ok.map((r) => r.timings[k]));
    if (engine === 'native') {
      reference = JSON.stringify(ok[0].digests);
      nativeTotal = t('total');
    }
    const same =
      reference === undefined ? '?' : JSON.stringify(ok[0].digests) === reference ? 'identical' : 'DIFFERENT';
    const ratio = nativeTotal ? (t('total') / nativeTotal).toFixed(1) : '';
    rows.push(
      `| ${scenario} | ${engine} | ${fmt(t('load'))} | ${fmt(t('work'))} | ${fmt(t('total'))} | ${ratio} | ${same} |`,
    );
  }
  console.error(`done: ${scenario}`);
}
console.log(rows.join('\n'));
