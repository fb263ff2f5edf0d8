/**
 * Runs one scenario in this process, on whatever `globalThis.WebAssembly` is
 * (engine.mjs set it), and prints one JSON line: each output's length and
 * SHA-256 (byte-identical outputs have equal digests), short outputs in full,
 * and the timings of the scenario's phases in milliseconds.
 *
 *   REALWORLD_ENGINE=wasmloom node --import ./scenarios/engine.mjs scenarios/run.mjs sqljs
 */
import { createHash } from 'node:crypto';

const name = process.argv[2];
const scenario = await import(`./${name}.mjs`);
const timings = {};

async function time(phase, f) {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[phase] = Math.round((performance.now() - t0) * 10) / 10;
  }
}

const t0 = performance.now();
const outputs = await scenario.run(time);
timings.total = Math.round((performance.now() - t0) * 10) / 10;

const digests = {};
for (const [key, value] of Object.entries(outputs)) {
  const bytes =
    typeof value === 'string'
      ? Buffer.from(value, 'utf8')
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  digests[key] = {
    type: typeof value === 'string' ? 'string' : 'bytes',
    length: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(typeof value === 'string' && value.length <= 200 ? { value } : {}),
  };
}
process.stdout.write(
  `${JSON.stringify({ scenario: name, engine: process.env.REALWORLD_ENGINE ?? 'native', timings, digests })}\n`,
);
