/**
 * Validation speed on real modules: wasmloom's `WebAssembly.validate` (the
 * decoder with the null emitter), a full translation on the calling thread
 * (every body through the decoder with the JS emitter, `compileFunction`, as
 * `compile` did before tiered loading), and Node's native
 * `WebAssembly.validate`, each in a fresh process, the three interleaved run
 * by run, medians reported with MB/s and the ratio of compile to validate.
 * `--jitless` runs wasmloom's two in `node --jitless` as well (no native
 * WebAssembly there). The other load (other processes' CPU, in cores) is
 * printed beside each median.
 *
 *   node benchmarks/dist/validate.bench.js [--runs 5] [--only esbuild-wasm,sql.js] [--jitless]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseModule } from '@wasmloom/binary';
import { compileFunction } from '@wasmloom/compiler';
import { createWebAssembly } from 'wasmloom';
import { machineBusyMs, median, ownCpuMs } from './cpu-time.js';

const MODULES: Record<string, string> = {
  'esbuild-wasm': 'esbuild-wasm/esbuild.wasm',
  'sql.js': 'sql.js/dist/sql-wasm.wasm',
  '@resvg/resvg-wasm': '@resvg/resvg-wasm/index_bg.wasm',
};

const CONFIGS = ['wasmloom validate', 'wasmloom full JS', 'native validate'] as const;
type ConfigName = (typeof CONFIGS)[number];

async function child(path: string, config: ConfigName): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  const wasm = createWebAssembly({ workers: 0 });
  const machine0 = machineBusyMs();
  const own0 = ownCpuMs();
  const t0 = performance.now();
  let ok: boolean;
  if (config === 'wasmloom validate') ok = wasm.validate(bytes);
  else if (config === 'wasmloom full JS') {
    const { env, bodies } = parseModule(bytes);
    let chars = 0;
    for (const body of bodies) chars += compileFunction(env, body.index, body).length;
    ok = chars > 0;
  } else ok = WebAssembly.validate(bytes);
  const ms = performance.now() - t0;
  const other = (machineBusyMs() - machine0 - (ownCpuMs() - own0)) / ms;
  process.stdout.write(JSON.stringify({ ms, ok, other }));
}

function parent(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      jitless: { type: 'boolean' },
    },
  });
  const runs = Number(values.runs);
  const names = values.only ? values.only.split(',') : Object.keys(MODULES);
  const self = fileURLToPath(import.meta.url);
  const modes: { label: string; flags: string[]; configs: readonly ConfigName[] }[] = [
    { label: 'JIT', flags: [], configs: CONFIGS },
  ];
  if (values.jitless)
    modes.push({
      label: '--jitless',
      flags: ['--jitless'],
      configs: ['wasmloom validate', 'wasmloom full JS'],
    });
  console.log(`validate.bench: ${runs} fresh processes per figure, interleaved; ${new Date().toISOString()}`);
  for (const name of names) {
    const path = fileURLToPath(import.meta.resolve(MODULES[name]));
    const mb = readFileSync(path).length / 2 ** 20;
    for (const mode of modes) {
      const samples = new Map<ConfigName, { ms: number; other: number }[]>();
      for (let i = 0; i < runs; i++) {
        for (const config of mode.configs) {
          const out = execFileSync(process.execPath, [...mode.flags, self, '--child', path, config], {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          });
          const s = JSON.parse(out) as { ms: number; ok: boolean; other: number };
          if (!s.ok) throw new Error(`${config} rejected ${name}`);
          if (!samples.has(config)) samples.set(config, []);
          samples.get(config)!.push(s);
        }
      }
      const med = (c: ConfigName) => median(samples.get(c)!.map((s) => s.ms));
      console.log(`\n${name} (${mb.toFixed(1)} MiB), ${mode.label}`);
      for (const config of mode.configs) {
        const ms = med(config);
        const other = median(samples.get(config)!.map((s) => s.other));
        console.log(
          `  ${config.padEnd(18)} ${ms.toFixed(0).padStart(7)} ms ${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s   other load ${other.toFixed(2)} cores`,
        );
      }
      const ratio = med('wasmloom full JS') / med('wasmloom validate');
      console.log(`  full JS / validate: ${ratio.toFixed(1)}x`);
      if (mode.configs.includes('native validate'))
        console.log(
          `  wasmloom validate / native validate: ${(med('wasmloom validate') / med('native validate')).toFixed(1)}x`,
        );
    }
  }
}

const i = process.argv.indexOf('--child');
if (i >= 0) await child(process.argv[i + 1], process.argv[i + 2] as ConfigName);
else parent();
