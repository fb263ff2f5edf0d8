// Compile one module's function bodies inline or on N worker threads and print
// wall time, MB/s and peak RSS. Each configuration runs in its own process.
//   node packages/pool/bench/measure.mjs [file.wasm] [--sizes inline,1,2] [--batch-kb 64] [--repeat 1]
//     [--prefix-kb N]   only the first N KB of function bodies (to find where workers start to pay)
//     [--young-mb N]    threads' young generation size (resourceLimits.maxYoungGenerationSizeMb)
//     [--tasks N]       tasks posted to a thread at once (the pool's tasksPerThread, default 1)
// Run `npx tsc -b packages/pool` first: this reads the built dist.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModule } from '@wasmloom/binary';
import { Piscina } from 'piscina';
import { Batcher, createNodePool, envAwareBalancer, InlinePool } from '../dist/index.js';
import { threadTimes } from './timed-worker.mjs';

const timedWorker = fileURLToPath(new URL('./timed-worker.mjs', import.meta.url));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const file = args.find((a) => a.endsWith('.wasm')) ?? 'benchmarks/node_modules/esbuild-wasm/esbuild.wasm';
const batchKb = Number(opt('batch-kb', '64'));
const repeat = Number(opt('repeat', '1'));
const prefixKb = Number(opt('prefix-kb', '0'));
const tasksPerThread = Number(opt('tasks', '1'));
const youngMb = Number(opt('young-mb', '0'));

async function compileOnce(size) {
  const bytes = readFileSync(file);
  const parsed = parseModule(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  const { env } = parsed;
  let bodies = parsed.bodies;
  if (prefixKb > 0) {
    let n = 0;
    let total = 0;
    while (n < bodies.length && total < prefixKb * 1024) total += bodies[n++].bytes.length;
    bodies = bodies.slice(0, n);
  }
  const bodyBytes = bodies.reduce((n, b) => n + b.bytes.length, 0);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const main0 = threadTimes();
  // For threads: the pool's own settings, on a piscina whose worker reports its CPU time.
  const threadCpu = new Map();
  let piscina;
  if (size !== 'inline') {
    piscina = new Piscina({
      filename: timedWorker,
      minThreads: 0,
      maxThreads: Number(size),
      idleTimeout: 5000,
      concurrentTasksPerWorker: tasksPerThread,
      resourceLimits: youngMb ? { maxYoungGenerationSizeMb: youngMb } : undefined,
      loadBalancer: envAwareBalancer(tasksPerThread),
    });
    piscina.on('message', (m) => threadCpu.set(m.threadId, m.times));
  }
  const pool = piscina ? createNodePool({ piscina, workerFile: timedWorker }) : new InlinePool();
  const handle = pool.open(env);
  const pending = [];
  const batcher = new Batcher({
    targetBytes: batchKb * 1024,
    idleSlots: () => pool.idleSlots,
    onBatch: (batch) => pending.push(pool.compile(handle, batch)),
  });
  for (const b of bodies) batcher.add(b);
  batcher.flush();
  const results = await Promise.all(pending);
  const wall = performance.now() - t0;
  // How busy the calling thread was (packing, receiving sources): the share the stream parser loses.
  const mainBusy = performance.eventLoopUtilization(elu0).utilization;
  const main1 = threadTimes();
  const mainTimes = { runMs: main1.runMs - main0.runMs, waitMs: main1.waitMs - main0.waitMs };
  await new Promise((r) => setTimeout(r, 20)); // the last CPU reports trail the replies
  const workerTimes = [...threadCpu.values()];
  let chars = 0;
  for (const r of results) {
    if (r.error) throw new Error(r.error.message);
    for (const s of r.sources) chars += s.length;
  }
  await pool.close();
  await piscina?.destroy();
  return {
    wall,
    bodyBytes,
    moduleBytes: bytes.length,
    chars,
    mainBusy,
    mainTimes,
    workerTimes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.env.MEASURE_CHILD) {
  process.stdout.write(JSON.stringify(await compileOnce(process.env.MEASURE_CHILD)));
} else {
  // Every run in a fresh process (cold JIT, cold threads, as a first compile is), the
  // configurations interleaved, the best of --repeat kept: other load only adds time.
  const sizes = opt('sizes', 'inline,1,2').split(',');
  const self = fileURLToPath(import.meta.url);
  const best = new Map();
  for (let r = 0; r < repeat; r++) {
    for (const size of sizes) {
      const run = JSON.parse(
        execFileSync(process.execPath, [self, ...args], {
          env: { ...process.env, MEASURE_CHILD: size },
          maxBuffer: 1 << 20,
        }).toString(),
      );
      if (!best.has(size) || run.wall < best.get(size).wall) best.set(size, run);
    }
  }
  console.log(
    `${file}${prefixKb ? `, first ${prefixKb} KB of bodies` : ''}, batches of ${batchKb} KB, best of ${repeat}`,
  );
  const base = best.get(sizes[0]).wall;
  for (const size of sizes) {
    const run = best.get(size);
    const mbs = run.bodyBytes / 1e3 / run.wall;
    // Time on a core per thread, and waiting for one: on a machine shared with other work, wall
    // time counts that waiting too. The busiest thread's run time is what an idle machine would take.
    const threads = [run.mainTimes, ...run.workerTimes];
    const cpu = threads.map((t) => `${(t.runMs / 1000).toFixed(2)}`).join(' / ');
    const waited = threads.reduce((n, t) => n + t.waitMs, 0);
    const critical = Math.max(...threads.map((t) => t.runMs));
    console.log(
      `${size.padEnd(7)} ${run.wall.toFixed(0).padStart(6)} ms  ${mbs.toFixed(2)} MB/s of bodies (${(run.moduleBytes / 1e3 / run.wall).toFixed(2)} of module)  ` +
        `x${(base / run.wall).toFixed(2)}  peak RSS ${run.maxRssMb.toFixed(0)} MB  main thread busy ${(run.mainBusy * 100).toFixed(0)}%  ` +
        `run s main / workers ${cpu} (waited for a core ${(waited / 1000).toFixed(1)} s), busiest ${(critical / 1000).toFixed(2)} s`,
    );
  }
}
