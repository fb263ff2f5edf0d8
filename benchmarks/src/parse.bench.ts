/**
 * Parser throughput on real modules, against Node's native WebAssembly on the
 * same bytes, in one run on one machine:
 *
 * - split: the StreamingParser alone cutting the module into sections and the
 *   code section into function bodies (views, no copies), over the whole
 *   buffer and with the bytes arriving 64 KiB at a time into a caller-owned
 *   buffer;
 * - decode: `parseModule` (whole buffer) and `ModuleDecoder` (pushed in 64 KiB
 *   chunks, bodies copied out as they complete): sections decoded into a
 *   `WasmModule` and validated at module level; function bodies are not
 *   validated here (that is the compiler's one pass);
 * - native: `WebAssembly.validate` (validates every body too) and
 *   `new WebAssembly.Module` (validates and compiles).
 *
 * Each figure is the median of `--runs` timed runs after `--warmup` untimed ones.
 * MB is 10^6 bytes of the whole module.
 *
 *   node benchmarks/dist/parse.bench.js [--runs 11] [--warmup 3] [--only sql.js]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ModuleDecoder, parseModule, StreamingParser } from '@wasmloom/binary';

const CHUNK = 64 * 1024;

/** Module bytes on a plain ArrayBuffer, as `WebAssembly.validate` wants them. */
type Bytes = Uint8Array<ArrayBuffer>;
const SPLIT_TARGET_MBPS = 300;

interface RealModule {
  name: string;
  /** What `import.meta.resolve` finds it by; all three are devDependencies of this package. */
  specifier: string;
}

const MODULES: RealModule[] = [
  { name: 'sql.js', specifier: 'sql.js/dist/sql-wasm.wasm' },
  { name: 'esbuild-wasm', specifier: 'esbuild-wasm/esbuild.wasm' },
  { name: '@ffmpeg/core', specifier: '@ffmpeg/core/wasm' },
];

// ---- What is measured ---------------------------------------------------------------

/** StreamingParser over the whole buffer; returns the number of function bodies. */
function splitWhole(bytes: Bytes): number {
  const parser = new StreamingParser();
  let bodies = 0;
  for (let pos = 0; ; ) {
    const step = parser.parse(bytes.subarray(pos), true);
    if (step.type !== 'parsed') throw new Error('parser wants data at eof');
    pos += step.consumed;
    if (step.payload.kind === 'functionBody') bodies++;
    else if (step.payload.kind === 'end') return bodies;
  }
}

/**
 * StreamingParser with the bytes arriving `CHUNK` at a time into one buffer the
 * caller owns (as when the length is known up front): on `needMoreData` the next
 * chunk "arrives" and the parser resumes where it stopped.
 */
function splitStreamed(bytes: Bytes): number {
  const parser = new StreamingParser();
  let bodies = 0;
  let arrived = Math.min(CHUNK, bytes.length);
  for (let pos = 0; ; ) {
    const step = parser.parse(bytes.subarray(pos, arrived), arrived === bytes.length);
    if (step.type === 'needMoreData') {
      arrived = Math.min(arrived + CHUNK, bytes.length);
      continue;
    }
    pos += step.consumed;
    if (step.payload.kind === 'functionBody') bodies++;
    else if (step.payload.kind === 'end') return bodies;
  }
}

function decodeWhole(bytes: Bytes): number {
  return parseModule(bytes).bodies.length;
}

/** The streaming compile path's decoder: bodies are handed on (here: counted) as they complete. */
function decodeStreamed(bytes: Bytes): number {
  let bodies = 0;
  const decoder = new ModuleDecoder({ onBody: () => bodies++ });
  for (let at = 0; at < bytes.length; at += CHUNK) decoder.push(bytes.subarray(at, at + CHUNK));
  decoder.finish();
  return bodies;
}

function nativeValidate(bytes: Bytes): number {
  if (!WebAssembly.validate(bytes)) throw new Error('native WebAssembly.validate rejected the module');
  return 0;
}

function nativeCompile(bytes: Bytes): number {
  return WebAssembly.Module.exports(new WebAssembly.Module(bytes)).length;
}

interface Measure {
  name: string;
  kind: 'split' | 'decode' | 'native';
  run(bytes: Bytes): number;
  /** V8 reuses a compiled module for identical bytes while the last one lives: vary the bytes. */
  freshBytes?: boolean;
}

const MEASURES: Measure[] = [
  { name: 'split, whole buffer', kind: 'split', run: splitWhole },
  { name: 'split, 64 KiB chunks', kind: 'split', run: splitStreamed },
  { name: 'parseModule, whole buffer', kind: 'decode', run: decodeWhole },
  { name: 'ModuleDecoder, 64 KiB chunks', kind: 'decode', run: decodeStreamed },
  { name: 'native WebAssembly.validate', kind: 'native', run: nativeValidate },
  { name: 'native new WebAssembly.Module', kind: 'native', run: nativeCompile, freshBytes: true },
];

// ---- Harness -----------------------------------------------------------------------------

/** `bytes` followed by a custom section "bench" holding a 4-byte counter, and a setter for it. */
function withCounter(bytes: Bytes): { bytes: Bytes; set(n: number): void } {
  const suffix = [0x00, 10, 5, ...new TextEncoder().encode('bench'), 0, 0, 0, 0];
  const out = new Uint8Array(bytes.length + suffix.length);
  out.set(bytes);
  out.set(suffix, bytes.length);
  const view = new DataView(out.buffer);
  return { bytes: out, set: (n) => view.setUint32(out.length - 4, n, true) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(measure: Measure, bytes: Bytes, warmup: number, runs: number): number {
  const counted = measure.freshBytes ? withCounter(bytes) : { bytes, set: (_: number) => {} };
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    counted.set(i);
    const start = performance.now();
    measure.run(counted.bytes);
    const ms = performance.now() - start;
    if (i >= warmup) times.push(ms);
  }
  return median(times);
}

function load(m: RealModule): Bytes {
  const buf = readFileSync(fileURLToPath(import.meta.resolve(m.specifier)));
  return new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.length);
}

/** A Markdown table with padded columns (as biome formats it), so the output can be pasted as is. */
function markdownTable(header: string[], right: boolean[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '11' },
      warmup: { type: 'string', default: '3' },
      only: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!(runs >= 1 && warmup >= 0)) throw new Error('--runs must be ≥ 1 and --warmup ≥ 0');
  const modules = MODULES.filter((m) => !values.only || m.name === values.only);
  if (modules.length === 0) throw new Error(`--only: no module named ${values.only}`);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Parser benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu}, ${availableParallelism()} cores`,
  );
  console.log(`median of ${runs} runs after ${warmup} warm-up runs; MB = 10^6 bytes of the whole module\n`);

  const rows: string[][] = [];
  const misses: string[] = [];
  for (const m of modules) {
    process.stderr.write(`measuring ${m.name}…\n`);
    const bytes = load(m);
    const bodies = splitWhole(bytes);
    // Each measure runs once untimed first, checked against the body count.
    const ms = new Map<Measure, number>();
    for (const measure of MEASURES) {
      const result = measure.run(bytes);
      if (measure.kind !== 'native' && result !== bodies) {
        throw new Error(`${measure.name} on ${m.name}: ${result} bodies, expected ${bodies}`);
      }
      ms.set(measure, time(measure, bytes, warmup, runs));
    }
    const validateMs = ms.get(MEASURES.find((x) => x.run === nativeValidate)!)!;
    for (const measure of MEASURES) {
      const t = ms.get(measure)!;
      const mbps = bytes.length / 1e3 / t;
      rows.push([
        m.name,
        `${fmt(bytes.length / 1e6, 1)} MB`,
        measure.name,
        fmt(t, 2),
        fmt(mbps),
        fmt(validateMs / t, 2),
      ]);
      if (measure.kind === 'split' && mbps < SPLIT_TARGET_MBPS) {
        misses.push(`${m.name}, ${measure.name}: ${fmt(mbps)} MB/s`);
      }
    }
  }
  const header = ['module', 'size', 'measure', 'median ms', 'MB/s', '× native validate'];
  console.log(markdownTable(header, [false, true, false, true, true, true], rows));
  console.log(
    misses.length === 0
      ? `\nsplit ≥ ${SPLIT_TARGET_MBPS} MB/s on every module: yes`
      : `\nsplit below the ${SPLIT_TARGET_MBPS} MB/s target: ${misses.join('; ')}`,
  );
}

main();
