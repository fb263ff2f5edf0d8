/**
 * The JS API's implementation limits (binary limits.ts): for each, a module
 * just past it (and, where cheap, one at it) fails at the same phase with the
 * same error class as Node's native WebAssembly. Counts too big to build are
 * tested with small parts: the count alone, which both engines check first.
 */
import { IMPL_LIMITS } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { WebAssembly as W } from 'wasmloom';

type Engine = typeof W;
const native = globalThis.WebAssembly as unknown as Engine;

const leb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    o.push(b);
  } while (v);
  return o;
};
const rep = (item: number[], n: number): Uint8Array => {
  const out = new Uint8Array(item.length * n);
  for (let i = 0; i < n; i++) out.set(item, i * item.length);
  return out;
};
/** A module of sections, each an id and parts (number arrays or byte arrays) making its contents. */
function mod(...sections: [number, ...(number[] | Uint8Array)[]][]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])];
  for (const [id, ...content] of sections) {
    const bytes = content.map((c) => (c instanceof Uint8Array ? c : Uint8Array.from(c)));
    parts.push(Uint8Array.from([id, ...leb(bytes.reduce((n, b) => n + b.length, 0))]), ...bytes);
  }
  return new Uint8Array(Buffer.concat(parts));
}
const voidType: [number, number[]] = [1, [1, 0x60, 0, 0]];
const oneFunc = (bodyBytes: number[]): [number, ...number[][]][] => [
  voidType,
  [3, [1, 0]],
  [10, [1, ...leb(bodyBytes.length), ...bodyBytes]],
];

/** Where a module fails on `engine`, and with which error class. */
async function outcome(engine: Engine, bytes: Uint8Array, imports: object = {}): Promise<string> {
  let valid: string;
  try {
    valid = String(engine.validate(bytes));
  } catch (e) {
    valid = (e as Error).constructor.name;
  }
  let module: object;
  try {
    module = await engine.compile(bytes);
  } catch (e) {
    return `validate ${valid}, compile ${(e as Error).constructor.name}`;
  }
  try {
    await engine.instantiate(module as never, imports);
  } catch (e) {
    return `validate ${valid}, instantiate ${(e as Error).constructor.name}`;
  }
  return `validate ${valid}, ok`;
}

async function sameAsNative(bytes: Uint8Array, expected: string): Promise<void> {
  expect(await outcome(native, bytes)).toBe(expected);
  expect(await outcome(W, bytes)).toBe(expected);
}

const L = IMPL_LIMITS;
const FAILS = 'validate false, compile CompileError';
const OK = 'validate true, ok';

describe('implementation limits, as native', () => {
  it('has the limits of Node 20', () => {
    expect(L).toMatchObject({
      moduleSize: 2 ** 30,
      types: 1e6,
      functions: 1e6,
      imports: 1e5,
      exports: 1e5,
      globals: 1e6,
      dataSegments: 1e5,
      elementSegments: 1e7,
      tables: 1e5,
      tableSize: 1e7,
      functionBodySize: 7_654_321,
      params: 1000,
      results: 1000,
      locals: 50_000,
      brTableTargets: 65_520,
    });
  });

  it('counts past a section limit fail at compile (the count alone)', async () => {
    await sameAsNative(mod([1, leb(L.types + 1)]), FAILS);
    await sameAsNative(mod([2, leb(L.imports + 1)]), FAILS);
    await sameAsNative(mod([3, leb(L.functions + 1)]), FAILS);
    await sameAsNative(mod([4, leb(L.tables + 1)]), FAILS);
    await sameAsNative(mod([6, leb(L.globals + 1)]), FAILS);
    await sameAsNative(mod([7, leb(L.exports + 1)]), FAILS);
    await sameAsNative(mod([9, leb(L.elementSegments + 1)]), FAILS);
    await sameAsNative(mod([11, leb(L.dataSegments + 1)]), FAILS);
    await sameAsNative(mod(voidType, [13, leb(L.tags + 1)]), FAILS);
    await sameAsNative(mod([5, [2, 0, 0, 0, 0]]), FAILS); // memories: one without multi-memory
    // Entries of one element segment.
    await sameAsNative(
      mod([4, [1, 0x70, 0, 0]], [9, [1, 0, 0x41, 0, 0x0b, ...leb(L.tableInitEntries + 1)]]),
      FAILS,
    );
  });

  it('1,000,000 types compile and instantiate (each SIG a factory variable overflowed the stack)', async () => {
    await sameAsNative(mod([1, leb(L.types), rep([0x60, 0, 0], L.types)]), OK);
  });

  it('past 1,000 types, call_indirect still finds its signature', async () => {
    const n = 1001;
    // Type n - 1 is () -> i32; f0 calls table entry 0 (f1) through it.
    const typeSec = [...leb(n), ...rep([0x60, 0, 0], n - 1), 0x60, 0, 1, 0x7f];
    const f0 = [0, 0x41, 0, 0x11, ...leb(n - 1), 0, 0x0b];
    const f1 = [0, 0x41, 42, 0x0b];
    const bytes = mod(
      [1, typeSec],
      [3, [2, ...leb(n - 1), ...leb(n - 1)]],
      [4, [1, 0x70, 0, 1]],
      [7, [1, 1, 0x66, 0, 0]],
      [9, [1, 0, 0x41, 0, 0x0b, 1, 1]],
      [10, [2, f0.length, ...f0, f1.length, ...f1]],
    );
    for (const engine of [native, W]) {
      const { instance } = await engine.instantiate(bytes);
      expect((instance.exports.f as () => number)()).toBe(42);
    }
  });

  it('params, results, locals, br_table targets and body size: at the limit valid, past it a CompileError', async () => {
    const params = (n: number) => mod([1, [1, 0x60, ...leb(n), ...rep([0x7f], n), 0]]);
    const results = (n: number) => mod([1, [1, 0x60, 0, ...leb(n), ...rep([0x7f], n)]]);
    const locals = (n: number) => mod(...oneFunc([1, ...leb(n), 0x7f, 0x0b]));
    const brTable = (n: number) =>
      mod(...oneFunc([0, 0x02, 0x40, 0x41, 0, 0x0e, ...leb(n), ...rep([0], n), 0, 0x0b, 0x0b]));
    for (const [make, limit] of [
      [params, L.params],
      [results, L.results],
      [locals, L.locals],
      [brTable, L.brTableTargets],
    ] as const) {
      await sameAsNative(make(limit), OK);
      await sameAsNative(make(limit + 1), FAILS);
    }
    // Body size: the size alone.
    await sameAsNative(mod(voidType, [3, [1, 0]], [10, [1, ...leb(L.functionBodySize + 1)]]), FAILS);
  });

  it('a table past 10,000,000 elements compiles and fails at instantiation with a RangeError', async () => {
    await sameAsNative(
      mod([4, [1, 0x70, 0, ...leb(L.tableSize + 1)]]),
      'validate true, instantiate RangeError',
    );
    // Imported: the RangeError comes before the import is matched.
    const imported = mod([2, [1, 1, 0x6d, 1, 0x74, 1, 0x70, 0, ...leb(L.tableSize + 1)]]);
    for (const engine of [native, W]) {
      const t = new engine.Table({ initial: 1, element: 'anyfunc' });
      expect(await outcome(engine, imported, { m: { t } })).toBe('validate true, instantiate RangeError');
      expect(() => new engine.Table({ initial: L.tableSize + 1, element: 'anyfunc' })).toThrow(RangeError);
      expect(() => t.grow(L.tableSize)).toThrow(RangeError);
    }
  });

  it('a module over 1 GiB is a RangeError from validate, compile and Module', async () => {
    // Zeroed pages: neither engine reads a byte past the size check.
    const bytes = new Uint8Array(L.moduleSize + 1);
    for (const engine of [native, W]) {
      expect(() => engine.validate(bytes)).toThrow(RangeError);
      expect(() => new engine.Module(bytes)).toThrow(RangeError);
      await expect(engine.compile(bytes)).rejects.toThrow(RangeError);
    }
  });
});
