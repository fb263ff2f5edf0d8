import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Features,
  ModuleDecoder,
  type ParsedModule,
  parseModule,
  StreamingParser,
  WasmError,
} from '../src/index.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SQL = here('../../../benchmarks/node_modules/sql.js/dist/sql-wasm.wasm');
const SUITE = `${process.env.WASM_TESTSUITE ?? '/work/shared/testsuite'}/json`;

interface Sample {
  name: string;
  bytes: Uint8Array;
  features?: Partial<Features>;
}

/** Valid modules of the spec suite (commands of type `module`), a few per script. */
function suiteModules(): Sample[] {
  if (!existsSync(SUITE)) return [];
  const out: Sample[] = [];
  const scripts: [string, string, Partial<Features> | undefined][] = [];
  for (const d of readdirSync(SUITE)) {
    if (d === 'proposals' || d.startsWith('simd_')) continue;
    scripts.push([`${SUITE}/${d}`, d, undefined]);
  }
  for (const [p, features] of [
    ['gc', { gc: true }],
    ['memory64', { memory64: true }],
    ['multi-memory', { multiMemory: true }],
    ['exception-handling', {}],
    ['extended-const', {}],
  ] as const) {
    for (const s of readdirSync(`${SUITE}/proposals/${p}`))
      scripts.push([`${SUITE}/proposals/${p}/${s}`, s, features]);
  }
  for (const [dir, script, features] of scripts) {
    const json = `${dir}/${script}.json`;
    if (!existsSync(json)) continue;
    const commands = JSON.parse(readFileSync(json, 'utf8')).commands as { type: string; filename?: string }[];
    const files = commands.filter((c) => c.type === 'module' && c.filename?.endsWith('.wasm')).slice(0, 3);
    for (const c of files) {
      out.push({
        name: `${script}/${c.filename}`,
        bytes: new Uint8Array(readFileSync(`${dir}/${c.filename}`)),
        features,
      });
    }
  }
  return out;
}

const samples = suiteModules();
const sql: Sample | null = existsSync(SQL)
  ? { name: 'sql-wasm', bytes: new Uint8Array(readFileSync(SQL)) }
  : null;

type Outcome = { ok: ParsedModule } | { error: { kind: string; message: string; offset: number } };

/** Parses; anything thrown that is not a WasmError fails the test. */
function attempt(bytes: Uint8Array, features?: Partial<Features>): Outcome {
  try {
    return { ok: parseModule(bytes, { features }) };
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    return { error: { kind: e.kind, message: e.message, offset: e.offset } };
  }
}

function attemptChunked(bytes: Uint8Array, sizes: number[], features?: Partial<Features>): Outcome {
  try {
    const d = new ModuleDecoder({ features, keepBodies: true });
    for (let pos = 0, i = 0; pos < bytes.length; i++) {
      const n = sizes[i % sizes.length];
      d.push(bytes.slice(pos, pos + n));
      pos += n;
    }
    return { ok: d.finish() };
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
    return { error: { kind: e.kind, message: e.message, offset: e.offset } };
  }
}

/** Absolute end offsets of the module's header and sections: the only cuts that can leave a whole module. */
function sectionEnds(bytes: Uint8Array): Set<number> {
  const ends = new Set<number>();
  const p = new StreamingParser();
  let pos = 0;
  for (;;) {
    const step = p.parse(bytes.subarray(pos), true);
    if (step.type !== 'parsed') break;
    pos += step.consumed;
    const payload = step.payload;
    if (payload.kind === 'end') break;
    if (payload.kind === 'codeSectionStart') ends.add(payload.end);
    else if (payload.kind !== 'functionBody') ends.add(pos);
  }
  return ends;
}

/** Problems with the truncation of `s` at `cut`, as text (empty: fine). */
function truncationProblem(s: Sample, cut: number, ends: Set<number>): string {
  const bytes = s.bytes.subarray(0, cut);
  try {
    parseModule(bytes, { features: s.features });
    return ends.has(cut) ? '' : `${s.name} cut at ${cut} parsed`;
  } catch (e) {
    if (!(e instanceof WasmError)) return `${s.name} cut at ${cut}: ${e}`;
    if (e.kind !== 'malformed') return `${s.name} cut at ${cut}: ${e.kind} ${e.message}`;
    if (e.offset < 0 || e.offset > cut) return `${s.name} cut at ${cut}: offset ${e.offset}`;
    return '';
  }
}

/** Cuts to try: all of them for small modules, else the header, section boundaries ±2 and a stride. */
function cutsOf(s: Sample, ends: Set<number>): number[] {
  const n = s.bytes.length;
  if (n <= 2048) return Array.from({ length: n }, (_, i) => i);
  const cuts = new Set<number>();
  for (let i = 0; i < 64; i++) cuts.add(i);
  for (const e of ends) for (let d = -2; d <= 2; d++) if (e + d >= 0 && e + d < n) cuts.add(e + d);
  for (let i = 64; i < n; i += Math.ceil(n / 300)) cuts.add(i);
  return Array.from(cuts);
}

describe('truncated modules', () => {
  it('every truncation of spec suite modules is malformed (or a whole module at a section boundary)', () => {
    expect(samples.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const s of samples) {
      expect(() => parseModule(s.bytes, { features: s.features }), s.name).not.toThrow();
      const ends = sectionEnds(s.bytes);
      ends.add(0);
      for (const cut of cutsOf(s, ends)) {
        const p = truncationProblem(s, cut, ends);
        if (p) problems.push(p);
      }
    }
    expect(problems).toEqual([]);
  });

  it.runIf(sql !== null)(
    'truncations of sql-wasm are malformed: the header, every section boundary ±2, random cuts',
    () => {
      const s = sql!;
      const ends = sectionEnds(s.bytes);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: s.bytes.length - 1 }), (cut) => {
          expect(truncationProblem(s, cut, ends)).toBe('');
        }),
        { numRuns: 150 },
      );
      const problems = cutsOf(s, ends)
        .map((cut) => truncationProblem(s, cut, ends))
        .filter((p) => p);
      expect(problems).toEqual([]);
    },
  );
});

/** A mutation: replace the byte at a position, or flip one bit, or insert or delete a byte. */
const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  kind: fc.constantFrom('set', 'flip', 'insert', 'delete'),
  value: fc.integer({ min: 0, max: 255 }),
});
type Mutation = { at: number; kind: 'set' | 'flip' | 'insert' | 'delete'; value: number };

function mutate(bytes: Uint8Array, mutations: Mutation[], window: number): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const i = Math.floor(m.at * Math.min(window, out.length));
    if (m.kind === 'set') out[i] = m.value;
    else if (m.kind === 'flip') out[i] ^= 1 << (m.value & 7);
    else {
      const next = new Uint8Array(out.length + (m.kind === 'insert' ? 1 : -1));
      next.set(out.subarray(0, i));
      if (m.kind === 'insert') {
        next[i] = m.value;
        next.set(out.subarray(i), i + 1);
      } else {
        next.set(out.subarray(i + 1), i);
      }
      out = next;
    }
  }
  return out;
}

describe('corrupted modules', () => {
  it('give a result or a WasmError, identically in whole and chunked decoding (spec suite modules)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (i, mutations, sizes) => {
          const s = samples[i];
          const bytes = mutate(s.bytes, mutations as Mutation[], s.bytes.length);
          const whole = attempt(bytes, s.features);
          expect(attemptChunked(bytes, sizes, s.features)).toEqual(whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.runIf(sql !== null)(
    'give a result or a WasmError (sql-wasm, mutations mostly before the code section)',
    () => {
      const s = sql!;
      fc.assert(
        fc.property(
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.integer({ min: 1000, max: 100_000 }),
          (mutations, early, chunk) => {
            const bytes = mutate(s.bytes, mutations as Mutation[], early ? 12_000 : s.bytes.length);
            const whole = attempt(bytes);
            const chunked = attemptChunked(bytes, [chunk]);
            if ('error' in whole) expect(chunked).toEqual(whole);
            else expect('ok' in chunked).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    },
  );
});
