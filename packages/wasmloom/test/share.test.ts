import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adoptModule,
  createWebAssembly,
  isWasmloomModule,
  moduleStats,
  VERSION,
  WebAssembly as W,
} from 'wasmloom';
import { PACK_FORMAT } from '../src/pack.js';
import { SHARED_KEY } from '../src/shared-form.js';
import { kitchen, kitchenImports } from './modules.js';
import { ensureBuilt, root, type ShareWorker, sqlJsDir, startShareWorker } from './share-helpers.js';

type AnyModule = Parameters<typeof W.Module.exports>[0];

const sqlBytes = () => readFileSync(join(sqlJsDir, 'sql-wasm.wasm'));

/** SQL exercising integers, reals, text, aggregates and recursion; one result set per statement. */
const SQL = `
  CREATE TABLE t(a INTEGER, b TEXT, c REAL);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO t SELECT i, printf('row-%05d', i), i * 0.25 FROM n;
  SELECT count(*), sum(a), total(c), max(b), length(group_concat(substr(b, 5, 3), '')) FROM t WHERE a % 7 = 3;
  SELECT upper(b), round(c * 3.7, 3), a * a * a FROM t ORDER BY c DESC LIMIT 3;
  SELECT sqlite_version();
`;

function mapOf(clone: unknown): Map<string, unknown> {
  return (clone as Record<string, Map<string, unknown>>)[SHARED_KEY];
}

describe('a Module carries its code in one own property', () => {
  it('has exactly one own property, enumerable, an accessor that cannot be removed', () => {
    const m = new W.Module(kitchen);
    expect(Object.keys(m)).toEqual([SHARED_KEY]);
    const d = Object.getOwnPropertyDescriptor(m, SHARED_KEY)!;
    expect(d.enumerable).toBe(true);
    expect(d.configurable).toBe(false);
    expect(typeof d.get).toBe('function');
    expect(d.set).toBeUndefined();
    expect(Reflect.deleteProperty(m, SHARED_KEY)).toBe(false);
    expect(Object.prototype.toString.call(m)).toBe('[object WebAssembly.Module]');
  });

  it('reads as a Map of format, version, text and bin; JSON writes it as {}', () => {
    const m = new W.Module(kitchen);
    const map = mapOf(m);
    expect(map).toBeInstanceOf(Map);
    expect([...map.keys()]).toEqual(['format', 'version', 'text', 'bin']);
    expect(map.get('version')).toBe(VERSION);
    expect(typeof map.get('text')).toBe('string');
    expect(map.get('bin')).toBeInstanceOf(Uint8Array);
    expect(JSON.stringify(m)).toBe(`{"${SHARED_KEY}":{}}`);
    // Packed once: the same text and bin every time.
    expect(mapOf(m).get('bin')).toBe(map.get('bin'));
  });

  it('modules from every path have it (compile, instantiate, another namespace)', async () => {
    const compiled = await W.compile(kitchen);
    const { module } = (await W.instantiate(kitchen, kitchenImports(W))) as unknown as { module: object };
    const other = new (createWebAssembly({ features: { multiMemory: true } }).Module)(kitchen);
    for (const m of [compiled, module, other]) expect(Object.keys(m)).toEqual([SHARED_KEY]);
  });
});

describe('structuredClone of a Module', () => {
  it('is a plain object that every API taking a Module accepts, and compiles nothing', async () => {
    const m = new W.Module(kitchen);
    const before = moduleStats();
    const clone = structuredClone(m) as AnyModule;
    expect(Object.getPrototypeOf(clone)).toBe(Object.prototype);
    expect(clone instanceof W.Module).toBe(false);
    expect(isWasmloomModule(clone)).toBe(true);

    expect(W.Module.exports(clone)).toEqual(W.Module.exports(m));
    expect(W.Module.imports(clone)).toEqual(W.Module.imports(m));
    const custom = W.Module.customSections(clone, 'meta').map((b) => [...new Uint8Array(b)]);
    expect(custom).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);

    const log: unknown[] = [];
    const a = new W.Instance(clone, kitchenImports(W, log));
    expect(a.exports.add64(2, 40n)).toBe(42n);
    expect((a.exports.counter as { value: bigint }).value).toBe(5n);
    (a.exports.callF as () => void)();
    expect(log).toEqual([[]]);
    // instantiate(moduleObject) resolves to an Instance, as for a Module.
    const b = await W.instantiate(clone, kitchenImports(W));
    expect(b).toBeInstanceOf(W.Instance);
    expect((b as unknown as { exports: { answer: { value: number } } }).exports.answer.value).toBe(42);

    const after = moduleStats();
    expect(after.compiled - before.compiled).toBe(0);
    expect(after.received - before.received).toBe(1); // adopted once, on first use
  });

  it('survives cloning again, and adoptModule makes a real Module of it', () => {
    const m = new W.Module(kitchen);
    const twice = structuredClone(structuredClone(m)) as AnyModule;
    const adopted = adoptModule(twice);
    expect(adopted).toBeInstanceOf(W.Module);
    expect(adoptModule(adopted)).toBe(adopted);
    expect(W.Module.exports(adopted)).toEqual(W.Module.exports(m));
    const again = structuredClone(adopted) as AnyModule;
    expect(new W.Instance(again, kitchenImports(W)).exports.add64(1, 1n)).toBe(2n);
    const Other = createWebAssembly().Module;
    expect(adoptModule(twice, Other)).toBeInstanceOf(Other);
  });

  it('is the same code: every export behaves as in the original', () => {
    const m = new W.Module(kitchen);
    const original = new W.Instance(m, kitchenImports(W)).exports as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const cloned = new W.Instance(structuredClone(m) as AnyModule, kitchenImports(W)).exports as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    expect(Object.keys(cloned)).toEqual(Object.keys(original));
    expect(cloned.fmul(1.5, 2)).toBe(original.fmul(1.5, 2));
    expect(cloned.size()).toBe(original.size());
    expect(cloned.callIndirect1()).toBe(original.callIndirect1());
    expect(() => cloned.trap()).toThrow(W.RuntimeError);
  });

  it('a clone of another wasmloom version or format is a TypeError that says so', async () => {
    const m = new W.Module(kitchen);
    const versioned = structuredClone(m) as AnyModule;
    mapOf(versioned).set('version', '9.9.9');
    expect(() => W.Module.exports(versioned)).toThrow(TypeError);
    expect(() => new W.Instance(versioned, {})).toThrow(
      new RegExp(`wasmloom 9\\.9\\.9 \\(format ${PACK_FORMAT}\\); this is wasmloom`),
    );
    await expect(W.instantiate(versioned, {})).rejects.toThrow(/compile it again/);

    const formatted = structuredClone(m) as AnyModule;
    // The format before this one: its data segments were objects.
    mapOf(formatted).set('format', PACK_FORMAT - 1);
    expect(() => W.Module.imports(formatted)).toThrow(new RegExp(`format ${PACK_FORMAT - 1}\\)`));
  });

  it('a damaged clone is a TypeError, never a module', () => {
    const m = new W.Module(kitchen);
    const bin = mapOf(m).get('bin') as Uint8Array;
    for (const damage of [
      (map: Map<string, unknown>) => map.set('bin', bin.subarray(0, bin.length - 1)),
      (map: Map<string, unknown>) => map.set('bin', new Uint8Array([...bin, 0])),
      (map: Map<string, unknown>) => map.set('text', ''),
      (map: Map<string, unknown>) => map.delete('bin'),
    ]) {
      const clone = structuredClone(m) as AnyModule;
      damage(mapOf(clone));
      expect(() => W.Module.exports(clone)).toThrow(TypeError);
    }
  });

  it('data that only looks like a clone is not a module (JSON cannot make the Map)', () => {
    const m = new W.Module(kitchen);
    const map = mapOf(m);
    const json = JSON.parse(JSON.stringify({ [SHARED_KEY]: Object.fromEntries(map) }));
    expect(isWasmloomModule(json)).toBe(false);
    expect(() => W.Module.exports(json)).toThrow(/must be a WebAssembly\.Module/);
    // An accessor is not a clone either (only a Module's own getter is trusted, through its brand).
    const getter = Object.defineProperty({}, SHARED_KEY, { get: () => map, enumerable: true });
    expect(isWasmloomModule(getter)).toBe(false);
    expect(() => adoptModule({})).toThrow(TypeError);
  });
});

describe('a Module posted to a Node worker thread', () => {
  let worker: ShareWorker;
  beforeAll(async () => {
    ensureBuilt();
    worker = await startShareWorker();
  });
  afterAll(() => worker?.terminate());

  it('is taken there by Module.exports, new Instance, instantiate and adoptModule, compiling nothing', async () => {
    const m = new W.Module(kitchen);
    const described = await worker.call<{ keys: string[]; proto: boolean; exports: unknown }>('describe', {
      module: m,
    });
    expect(described.keys).toEqual([SHARED_KEY]);
    expect(described.proto).toBe(true);
    expect(described.exports).toEqual(W.Module.exports(m));
    for (const via of ['instantiate', 'constructor', 'adopt']) {
      const answer = await worker.call<{ result: unknown; isInstance: boolean }>('call', {
        module: m,
        imports: 'kitchen',
        name: 'add64',
        args: [40, 2n],
        via,
      });
      expect(answer).toEqual({ result: 42n, isInstance: true });
    }
    const stats = await worker.call<{ compiled: number; received: number }>('stats');
    expect(stats.compiled).toBe(0);
    expect(stats.received).toBe(4); // each message is a new clone, adopted once
  });

  it('comes back from the worker as a module (a clone of a clone)', async () => {
    const m = new W.Module(kitchen);
    const back = (await worker.call('echo', { module: m })) as AnyModule;
    expect(W.Module.exports(back)).toEqual(W.Module.exports(m));
    expect(new W.Instance(back, kitchenImports(W)).exports.add64(1, 2n)).toBe(3n);
  });

  it('runs sql.js there as native WebAssembly runs it here', async () => {
    const module = await W.compile(sqlBytes());
    const compiledBefore = (await worker.call<{ compiled: number }>('stats')).compiled;
    const shared = await worker.call('sql', { module, sql: SQL });

    // The reference: sql.js on Node's own WebAssembly, in this thread.
    const { createRequire } = await import('node:module');
    const initSqlJs = createRequire(join(root, 'package.json'))(join(sqlJsDir, 'sql-wasm.js'));
    const SQLjs = await initSqlJs({ locateFile: (f: string) => join(sqlJsDir, f) });
    const db = new SQLjs.Database();
    const native = db.exec(SQL);
    db.close();

    expect(shared).toEqual(native);
    expect((native as unknown[]).length).toBe(3);
    expect((await worker.call<{ compiled: number }>('stats')).compiled).toBe(compiledBefore);
  });
});
