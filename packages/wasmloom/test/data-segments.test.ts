/**
 * Data segments, kept by a compiled module in a compact form (binary
 * `DataSegments`): a module with many segments of every form, instantiated
 * and then read by memory.init and data.drop, must give native's memory and
 * traps, whether the module was compiled here, cloned, serialized, or sent to
 * a worker. Each scenario runs on native WebAssembly first: it is the
 * reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserializeModule, serializeModule, WebAssembly as W } from 'wasmloom';
import { body, build, exp, funcType, I32, imp, kind, limits, sleb, uleb } from './modules.js';
import { ensureBuilt, type ShareWorker, startShareWorker } from './share-helpers.js';

type AnyModule = Parameters<typeof W.Module.exports>[0];
type Call = [string, ...number[]];
type RunResult = { outcomes: string[]; memory: Uint8Array };
interface Engine {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

const SEGMENTS = 1500;
/** Sizes around the copy loop's limit (64) and both sides of it. */
const SIZES = [0, 1, 3, 63, 64, 65, 17, 200, 5, 31];
/** The segment whose offset is `global.get 0` (the imported env.base). */
const AT_GLOBAL = 10;
const BASE = 65_000;

/** Segment i's bytes: a pattern no other segment has at the same place. */
const segmentBytes = (i: number) =>
  Array.from({ length: SIZES[i % SIZES.length] }, (_, k) => (i * 7 + k * 13 + 1) & 0xff);

/**
 * Segment i's form by i % 6: 1 passive; 3 active with the explicit memory
 * index; 4 active with its flags padded to two bytes (0x80 0x00); the others
 * the usual `i32.const`. Every 11th segment overlaps the previous one, so
 * the order of writing shows.
 */
function segments(): { datas: number[][]; passive: number[] } {
  const datas: number[][] = [];
  const passive: number[] = [];
  let at = 0;
  let last = 0;
  for (let i = 0; i < SEGMENTS; i++) {
    const bytes = segmentBytes(i);
    const payload = [...uleb(bytes.length), ...bytes];
    if (i % 6 === 1) {
      datas.push([1, ...payload]);
      passive.push(i);
      continue;
    }
    const where = i % 11 === 0 ? last : at;
    last = where;
    at = Math.max(at, where + bytes.length);
    const offset = i === AT_GLOBAL ? [0x23, 0, 0x0b] : [0x41, ...sleb(where), 0x0b];
    if (i % 6 === 3) datas.push([2, 0, ...offset, ...payload]);
    else if (i % 6 === 4) datas.push([0x80, 0x00, ...offset, ...payload]);
    else datas.push([0, ...offset, ...payload]);
  }
  return { datas, passive };
}

const { datas, passive } = segments();
const LAST_PASSIVE = passive[passive.length - 1];
/** Segments with `init{k}(dst, src, n)` = memory.init k and `drop{k}()` = data.drop k: passive ones and active ones of each form. */
const INIT = [1, 7, LAST_PASSIVE, 6, 3, 4, AT_GLOBAL];

/** Imports env.base (i32), exports memory "mem" (2 pages) and the init/drop functions. */
const many = build({
  types: [funcType([I32, I32, I32], []), funcType([], [])],
  imports: [imp('env', 'base', kind.global, I32, 0)],
  funcs: INIT.flatMap(() => [0, 1]),
  memories: [limits(2)],
  exports: [
    exp('mem', kind.memory, 0),
    ...INIT.flatMap((k, j) => [exp(`init${k}`, kind.func, 2 * j), exp(`drop${k}`, kind.func, 2 * j + 1)]),
  ],
  dataCount: SEGMENTS,
  codes: INIT.flatMap((k) => [
    body(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 8, ...uleb(k), 0, 0x0b),
    body(0xfc, 9, ...uleb(k), 0x0b),
  ]),
  datas,
});
const manyImports = { env: { base: BASE } };

const size = (i: number) => SIZES[i % SIZES.length];
/** memory.init and data.drop on passive and active segments, in and out of bounds, before and after dropping. */
const calls: Call[] = [
  ['init1', 100_000, 0, size(1)],
  ['init7', 100_010, 0, size(7)],
  ['init7', 100_300, 150, 50],
  ['init7', 100_400, 150, 51],
  ['init7', 131_070, 0, 5],
  ['init7', 131_070, 0, 2],
  [`init${LAST_PASSIVE}`, 101_000, 0, size(LAST_PASSIVE)],
  ['init6', 102_000, 0, 0],
  ['init6', 102_000, 0, 1],
  ['init3', 102_000, 0, 1],
  ['init4', 102_000, 0, 1],
  [`init${AT_GLOBAL}`, 102_000, 0, 1],
  ['drop7'],
  ['init7', 103_000, 0, 1],
  ['init7', 103_000, 0, 0],
  ['drop7'],
  ['drop6'],
  ['init1', 104_000, 0, size(1)],
];

/** Outcomes and memory, the memory as base64 (deep equality of 128 KiB arrays element by element is slow). */
function digest({ outcomes, memory }: { outcomes: string[]; memory: Uint8Array }) {
  return { outcomes, memory: Buffer.from(memory).toString('base64') };
}

/** Instantiates `module` on `engine`, makes `calls`, answers with their outcomes and the memory. */
function run(engine: Engine, module: object, imports: object, calls: Call[]) {
  const { exports } = new engine.Instance(module, imports);
  const outcomes = calls.map(([name, ...args]) => {
    try {
      (exports[name] as (...a: number[]) => void)(...args);
      return 'ok';
    } catch (e) {
      return (e as Error).name;
    }
  });
  return digest({ outcomes, memory: new Uint8Array((exports.mem as { buffer: ArrayBuffer }).buffer) });
}

const native = globalThis.WebAssembly as unknown as Engine;
const wasmloom = W as unknown as Engine;

describe('many data segments of every form', () => {
  const expected = run(native, new native.Module(many), manyImports, calls);

  it('the reference itself writes every active segment and traps where it should', () => {
    // Sanity of the scenario: the segments are in memory, and some calls trap.
    const mem = Buffer.from(expected.memory, 'base64');
    expect(Array.from(mem.subarray(BASE, BASE + size(AT_GLOBAL)))).toEqual(segmentBytes(AT_GLOBAL));
    expect(expected.outcomes).toContain('RuntimeError');
    expect(expected.outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(5);
  });

  it('compiled here: native memory and traps', () => {
    expect(run(wasmloom, new W.Module(many), manyImports, calls)).toEqual(expected);
  });

  it('through structuredClone, and a clone of the clone', () => {
    const clone = structuredClone(new W.Module(many)) as object;
    expect(run(wasmloom, clone, manyImports, calls)).toEqual(expected);
    expect(run(wasmloom, structuredClone(clone) as object, manyImports, calls)).toEqual(expected);
  });

  it('through serializeModule and deserializeModule, twice', () => {
    const once = deserializeModule(serializeModule(new W.Module(many)));
    expect(run(wasmloom, once, manyImports, calls)).toEqual(expected);
    const twice = deserializeModule(serializeModule(once));
    expect(run(wasmloom, twice, manyImports, calls)).toEqual(expected);
  });

  it('a second instance of the same module starts from the segments again', () => {
    const m = new W.Module(many);
    run(wasmloom, m, manyImports, calls);
    expect(run(wasmloom, m, manyImports, calls)).toEqual(expected);
  });

  describe('in a worker', () => {
    let worker: ShareWorker | undefined;
    beforeAll(async () => {
      ensureBuilt();
      worker = await startShareWorker();
    });
    afterAll(() => worker?.terminate());

    it('posted, and posted back and forth', async () => {
      const m = new W.Module(many);
      const posted = await worker!.call<RunResult>('run', { module: m, imports: manyImports, calls });
      expect(digest(posted)).toEqual(expected);
      const back = await worker!.call<AnyModule>('echo', { module: m });
      expect(run(wasmloom, back as object, manyImports, calls)).toEqual(expected);
      const again = await worker!.call<RunResult>('run', { module: back, imports: manyImports, calls });
      expect(digest(again)).toEqual(expected);
    });
  });
});

/**
 * Imports memory env.mem (1 page) and table env.tbl; its element segment
 * puts `init{k}(dst, src, n)` = memory.init k for k = 0, 1, 2 into the
 * table at 0, 1, 2 (and, with `elemOutOfBounds`, a second one does not fit);
 * data: "abc" at 0, "xyz" at `secondAt`, "hello" at 100.
 */
function failing(secondAt: number, elemOutOfBounds = false): Uint8Array {
  const elems = [[0, 0x41, 0, 0x0b, ...[3, 0, 1, 2]]];
  if (elemOutOfBounds) elems.push([0, 0x41, ...sleb(9), 0x0b, ...[1, 0]]);
  const str = (s: string) => [...uleb(s.length), ...Array.from(new TextEncoder().encode(s))];
  return build({
    types: [funcType([I32, I32, I32], [])],
    imports: [
      imp('env', 'mem', kind.memory, ...limits(1)),
      imp('env', 'tbl', kind.table, 0x70, ...limits(3)),
    ],
    funcs: [0, 0, 0],
    elems,
    dataCount: 3,
    codes: [0, 1, 2].map((k) => body(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 8, k, 0, 0x0b)),
    datas: [
      [0, 0x41, 0, 0x0b, ...str('abc')],
      [0, 0x41, ...sleb(secondAt), 0x0b, ...str('xyz')],
      [0, 0x41, ...sleb(100), 0x0b, ...str('hello')],
    ],
  });
}

type ApiEngine = Engine & { Memory: new (d: object) => object; Table: new (d: object) => object };

/**
 * Instantiates a `failing` module, then calls what its element segment left
 * in the imported table (the functions outlive the failed instance): init0
 * at 200, init1 at 300, init2 at 400, each its whole segment. Answers with
 * the instantiation's error, the calls' outcomes, and memory[0, 410) with
 * its zeros as dots.
 */
function afterFailure(engine: ApiEngine, module: object) {
  const mem = new engine.Memory({ initial: 1 }) as { buffer: ArrayBuffer };
  const tbl = new engine.Table({ element: 'anyfunc', initial: 3 }) as {
    get(i: number): (...a: number[]) => void;
  };
  let error = '';
  try {
    new engine.Instance(module, { env: { mem, tbl } });
  } catch (e) {
    error = (e as Error).message.replace(/^WebAssembly\.Instance\(\): /, '');
  }
  const outcomes = [
    [0, 200, 0, 3],
    [1, 300, 0, 3],
    [2, 400, 0, 5],
  ].map(([f, ...args]) => {
    try {
      tbl.get(f)(...args);
      return 'ok';
    } catch (e) {
      return (e as Error).name;
    }
  });
  const text = new TextDecoder().decode(new Uint8Array(mem.buffer, 0, 410)).replace(/\0+/g, '.');
  return { error, outcomes, text };
}

describe('a failed instantiation', () => {
  const ours = W as unknown as ApiEngine;
  const nativeApi = globalThis.WebAssembly as unknown as ApiEngine;

  // The spec instantiates an active segment as `memory.init d; data.drop d`
  // and stops at the first trap: the segments not reached, the failing one
  // included, stay for functions already put into an imported table. (V8
  // treats every active segment as dropped from the start, so native is not
  // the reference here; where nothing fails, it is.)
  it.each([
    [
      'a data segment out of bounds',
      failing(65_535),
      {
        error: 'data segment is out of bounds',
        outcomes: ['RuntimeError', 'ok', 'ok'],
        text: 'abc.xyz.hello.',
      },
    ],
    [
      'an element segment out of bounds',
      failing(0, true),
      { error: 'table index is out of bounds', outcomes: ['ok', 'ok', 'ok'], text: '.abc.xyz.hello.' },
    ],
  ])('%s: the active segments not reached stay', (_, bytes, expected) => {
    expect(afterFailure(ours, new W.Module(bytes))).toEqual(expected);
    expect(afterFailure(ours, structuredClone(new W.Module(bytes)) as object)).toEqual(expected);
    expect(afterFailure(ours, deserializeModule(serializeModule(new W.Module(bytes))))).toEqual(expected);
  });

  it('nothing out of bounds: every active segment is dropped, as native has it', () => {
    const bytes = failing(50);
    const expected = afterFailure(nativeApi, new nativeApi.Module(bytes));
    expect(expected).toEqual({
      error: '',
      outcomes: ['RuntimeError', 'RuntimeError', 'RuntimeError'],
      text: 'abc.xyz.hello.',
    });
    expect(afterFailure(ours, new W.Module(bytes))).toEqual(expected);
    expect(afterFailure(ours, structuredClone(new W.Module(bytes)) as object)).toEqual(expected);
  });
});
