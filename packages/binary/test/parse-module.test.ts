import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURES,
  dataSegmentBytes,
  dataSegmentCount,
  type FunctionBody,
  ModuleDecoder,
  type ModuleEnv,
  type ParsedModule,
  parseModule,
  resolveFeatures,
  WasmError,
} from '../src/index.js';
import { body, code, custom, funcs, functype, section, types, u32, vec, wasm } from './fixtures/encode.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SQL = here('../../../benchmarks/node_modules/sql.js/dist/sql-wasm.wasm');
const SUITE = `${process.env.WASM_TESTSUITE ?? '/work/shared/testsuite'}/json`;

type Outcome = { ok: ParsedModule } | { error: { kind: string; message: string; offset: number } };

function outcome(f: () => ParsedModule): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
    return { error: { kind: e.kind, message: e.message, offset: e.offset } };
  }
}

/** Pushes `bytes` in chunks of the given sizes (cycled), reusing one scratch buffer as a stream would. */
function decodeInChunks(bytes: Uint8Array, sizes: number[]): Outcome {
  return outcome(() => {
    const d = new ModuleDecoder({ keepBodies: true });
    const scratch = new Uint8Array(Math.max(...sizes, 1));
    let pos = 0;
    for (let i = 0; pos < bytes.length; i++) {
      const n = Math.min(sizes[i % sizes.length], bytes.length - pos);
      const chunk = scratch.subarray(0, n);
      chunk.set(bytes.subarray(pos, pos + n));
      d.push(chunk);
      scratch.fill(0xee); // the decoder must have copied what it keeps
      pos += n;
    }
    return d.finish();
  });
}

const whole = (bytes: Uint8Array): Outcome => outcome(() => parseModule(bytes));

const sample = wasm(
  types(functype([], []), functype([0x7f], [0x7f])),
  funcs(0, 1, 1),
  section(5, vec([[0, 1]])),
  section(7, vec([[1, 0x61, 0, 2]])),
  custom('between', [1, 2, 3]),
  code(body([0x01]), body([0x20, 0, 0x41, 1, 0x6a]), body([0x20, 0])),
  section(11, vec([[0, 0x41, 4, 0x0b, 3, 7, 8, 9]])),
);

function smallSuiteModules(limit: number): Uint8Array[] {
  if (!existsSync(`${SUITE}/binary`)) return [];
  const out: Uint8Array[] = [];
  for (const dir of ['binary', 'custom', 'elem', 'data', 'global', 'imports', 'exports', 'table', 'memory']) {
    for (const f of readdirSync(`${SUITE}/${dir}`)) {
      if (f.endsWith('.wasm') && out.length < limit)
        out.push(new Uint8Array(readFileSync(`${SUITE}/${dir}/${f}`)));
    }
  }
  return out;
}

describe('parseModule', () => {
  it('returns module, env and bodies', () => {
    const { module, env, bodies } = parseModule(sample);
    expect(module.functions).toEqual([0, 1, 1]);
    expect(module.exports).toEqual([{ name: 'a', kind: 0, index: 2 }]);
    expect(bodies.map((b) => [b.index, Array.from(b.bytes)])).toEqual([
      [0, [0, 1, 0x0b]],
      [1, [0, 0x20, 0, 0x41, 1, 0x6a, 0x0b]],
      [2, [0, 0x20, 0, 0x0b]],
    ]);
    expect(env.declaredFuncRefs).toEqual([2]);
    expect(dataSegmentBytes(module.data, 0)).toEqual(new Uint8Array([7, 8, 9]));
    expect(structuredClone({ module, env })).toEqual({ module, env });
  });

  it('keeps bodies unless onBody is given', () => {
    const seen: FunctionBody[] = [];
    const r = parseModule(sample, { onBody: (b) => seen.push(b) });
    expect(r.bodies).toEqual([]);
    expect(seen.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(parseModule(sample, { onBody: () => {}, keepBodies: true }).bodies.length).toBe(3);
  });

  it.runIf(existsSync(SQL))('parses a real module (sql.js)', () => {
    const bytes = new Uint8Array(readFileSync(SQL));
    const { module, env, bodies } = parseModule(bytes);
    expect(bodies.length).toBe(module.functions.length);
    expect(bodies.length).toBeGreaterThan(1000);
    expect(bodies[0].index).toBe(env.numImportedFuncs);
    for (const b of bodies) expect(bytes[b.offset + b.bytes.length - 1]).toBe(0x0b);
    const native = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    expect(module.exports.map((e) => e.name)).toEqual(native.map((e) => e.name));
  });
});

describe('resolveFeatures', () => {
  it('fills defaults and closes over dependencies', () => {
    expect(resolveFeatures()).toEqual({ ...DEFAULT_FEATURES });
    expect(resolveFeatures({ gc: true })).toMatchObject({
      gc: true,
      functionReferences: true,
      referenceTypes: true,
    });
    expect(resolveFeatures({ relaxedSimd: true, simd: false }).simd).toBe(true);
    expect(resolveFeatures({ threads: false, memory64: undefined })).toMatchObject({
      threads: false,
      memory64: false,
    });
  });
});

describe('ModuleDecoder', () => {
  it('gives the whole-buffer result when fed byte by byte', () => {
    expect(decodeInChunks(sample, [1])).toEqual(whole(sample));
    for (const m of smallSuiteModules(60)) expect(decodeInChunks(m, [1])).toEqual(whole(m));
  });

  it('emits the env, then each body as soon as its last byte is pushed, with copied bytes', () => {
    const events: string[] = [];
    let env: ModuleEnv | null = null;
    const d = new ModuleDecoder({
      onEnv: (e) => {
        env = e;
        events.push('env');
      },
      onBody: (b) => events.push(`body ${b.index} ${b.bytes.length}`),
    });
    const codeStart = sample.indexOf(10, 30);
    const firstBodyEnd = codeStart + 3 + 1 + 3;
    const chunk = sample.slice(0, firstBodyEnd);
    d.push(chunk);
    expect(events).toEqual(['env', 'body 0 3']);
    expect(d.env).toBe(env);
    d.push(sample.subarray(firstBodyEnd, firstBodyEnd + 5));
    expect(events.length).toBe(2);
    d.push(sample.subarray(firstBodyEnd + 5));
    expect(events).toEqual(['env', 'body 0 3', 'body 1 7', 'body 2 4']);
    const r = d.finish();
    expect(r.bodies).toEqual([]);
    expect(dataSegmentCount(r.module.data)).toBe(1);
  });

  it('reports the same first error however the bytes are split, and keeps reporting it', () => {
    const truncated = sample.subarray(0, sample.length - 2);
    const badId = sample.slice();
    badId[sample.length - 11] = 0x20; // the data section's id
    for (const [bad, message] of [
      [truncated, 'length out of bounds'],
      [badId, 'malformed section id'],
    ] as const) {
      const expected = whole(bad);
      expect('error' in expected && expected.error.message).toBe(message);
      expect(decodeInChunks(bad, [1])).toEqual(expected);
      expect(decodeInChunks(bad, [7, 3])).toEqual(expected);
    }
    const bad = badId;
    const d = new ModuleDecoder();
    expect(() => {
      d.push(bad);
      d.finish();
    }).toThrow(WasmError);
    expect(() => d.push(new Uint8Array([1]))).toThrow(WasmError);
    expect(() => d.finish()).toThrow(WasmError);
  });

  it('gives identical results for random chunkings (fast-check)', () => {
    const modules = [sample, ...smallSuiteModules(40)];
    if (existsSync(SQL)) modules.push(new Uint8Array(readFileSync(SQL)));
    const expected = modules.map(whole);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: modules.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 12 }),
        (i, sizes) => {
          const small = modules[i].length < 5000 ? sizes.map((s) => 1 + (s % 17)) : sizes;
          expect(decodeInChunks(modules[i], small)).toEqual(expected[i]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not copy the data again and again while a large section trickles in', () => {
    const big = new Array(200_000).fill(1);
    const m = wasm(section(5, vec([[0, 4]])), section(11, vec([[1, ...u32(200_000), ...big]])));
    const d = new ModuleDecoder();
    let copied = 0;
    const orig = Uint8Array.prototype.slice;
    // Count bytes copied by slice while 4 KiB chunks arrive.
    Uint8Array.prototype.slice = function (this: Uint8Array, ...args: [number?, number?]) {
      const r = orig.apply(this, args);
      copied += r.length;
      return r;
    } as typeof orig;
    try {
      for (let pos = 0; pos < m.length; pos += 4096) d.push(m.subarray(pos, pos + 4096));
    } finally {
      Uint8Array.prototype.slice = orig;
    }
    expect(dataSegmentBytes(d.finish().module.data, 0).length).toBe(200_000);
    expect(copied).toBeLessThan(3 * m.length);
  });
});
