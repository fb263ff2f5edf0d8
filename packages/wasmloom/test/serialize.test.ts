import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deserializeModule, moduleStats, serializeModule, VERSION, WebAssembly as W } from 'wasmloom';
import { crc32 } from '../src/crc32.js';
import { emitAll } from '../src/emit.js';
import { moduleState } from '../src/module.js';
import { PACK_FORMAT, pack, unpack } from '../src/pack.js';
import {
  body,
  build,
  exp,
  funcType,
  I32,
  imp,
  kind,
  kitchen,
  kitchenImports,
  v128Global,
} from './modules.js';
import { sqlJsDir } from './share-helpers.js';

type AnyModule = Parameters<typeof W.Module.exports>[0];

/** Replaces the version string of a blob (same length) and fixes its checksum: a valid blob of another version. */
function withVersion(blob: Uint8Array, version: string): Uint8Array {
  const out = blob.slice();
  const at = 21;
  expect(out[20]).toBe(version.length);
  out.set(new TextEncoder().encode(version), at);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe('crc32', () => {
  it('is the IEEE CRC-32 (zip, PNG), at every alignment', async () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const { crc32: zlibCrc } = (await import('node:zlib')) as unknown as {
      crc32?: (b: Uint8Array) => number;
    };
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24);
    for (let start = 0; start < 9; start++) {
      for (const length of [0, 1, 7, 8, 9, 16, 17, 100, 291 - start]) {
        const part = bytes.subarray(start, start + length);
        if (zlibCrc) expect(crc32(part)).toBe(zlibCrc(part));
        else expect(crc32(part)).toBe(crc32(part.slice()));
      }
    }
  });
});

describe('pack and unpack', () => {
  it('round-trip every kind of value plain data can hold', () => {
    const shared = { s: 'shared' };
    const big = Array.from({ length: 20 }, (_, i) => i);
    const bigBytes = new Uint8Array(32).fill(7);
    const cyclic: unknown[] = Array.from({ length: 16 }, () => 0);
    cyclic[3] = { back: cyclic };
    const nullProto = Object.assign(Object.create(null), { a: 1, b: [2] });
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    const holes = [1, , 3];
    const rest = {
      module: {
        numbers: [
          0,
          1,
          127,
          128,
          2 ** 31,
          2 ** 32 + 5,
          Number.MAX_SAFE_INTEGER,
          -1,
          -(2 ** 40),
          0.5,
          -0,
          NaN,
          Infinity,
          -Infinity,
          1e300,
        ],
        bigints: [0n, 1n, -1n, 2n ** 64n - 1n, -(2n ** 63n), 12345678901234567890123n],
        strings: ['', 'a', 'é ü 日本 🧵', '\ufeffbom', 'x'.repeat(1000), 'x'.repeat(1000)],
        flags: [true, false, null, undefined],
        bytes: new Uint8Array([1, 2, 3, 255]),
        empty: new Uint8Array(0),
        typed: [
          new Int32Array([-1, 2]),
          new Float64Array([0.1, -0]),
          new BigInt64Array([-5n]),
          new Uint16Array([65535]),
        ],
        holes,
        nullProto,
        sameTwice: [shared, shared],
        bigTwice: [big, big, bigBytes, bigBytes],
        cyclic,
        functions: { 0: 'a', 7: 'b', 100: 'c' },
      },
      env: { features: { simd: true } },
    };
    const code = { ...rest, sources: ['function f0(){}', 'function f1(){return 1}'] } as never;
    const factory = "'use strict';\nfunction f0(){}\nfunction f1(){return 1}\nreturn {}";
    const packed = pack(code, factory);
    expect(packed.text.startsWith(factory)).toBe(true);
    const back = unpack({ text: packed.text, bin: packed.bin.slice() }) as unknown as typeof rest & {
      sources: string[];
      factorySource: string;
    };
    expect(back.sources).toEqual(['function f0(){}', 'function f1(){return 1}']);
    expect(back.factorySource).toBe(factory);
    const m = back.module;
    expect(m.numbers).toEqual(rest.module.numbers);
    expect(Object.is(m.numbers[10], -0)).toBe(true);
    expect(m.bigints).toEqual(rest.module.bigints);
    expect(m.strings).toEqual(rest.module.strings);
    expect(m.flags).toEqual([true, false, null, undefined]);
    expect(m.bytes).toEqual(new Uint8Array([1, 2, 3, 255]));
    expect(m.empty).toEqual(new Uint8Array(0));
    expect(m.typed).toEqual(rest.module.typed);
    expect(m.typed[0]).toBeInstanceOf(Int32Array);
    expect(1 in m.holes).toBe(false);
    expect(m.holes.length).toBe(3);
    expect(Object.getPrototypeOf(m.nullProto)).toBe(null);
    expect({ ...m.nullProto }).toEqual({ a: 1, b: [2] });
    // Small objects used twice come back equal; big arrays come back the same (and may be cyclic).
    expect(m.sameTwice[0]).toEqual(m.sameTwice[1]);
    expect(m.bigTwice[0]).toEqual(big);
    expect(m.bigTwice[0]).toBe(m.bigTwice[1]);
    expect(m.bigTwice[2]).toBe(m.bigTwice[3]);
    expect((m.cyclic[3] as { back: unknown }).back).toBe(m.cyclic);
    expect(m.functions).toEqual({ 0: 'a', 7: 'b', 100: 'c' });
  });

  it('stores each source once: in the factory source, or after it for a lazy factory (sql.js)', () => {
    const m = new W.Module(readFileSync(join(sqlJsDir, 'sql-wasm.wasm')));
    // Every source emitted (a new Module has none yet: tiered loading).
    emitAll(moduleState(m, 'test').code);
    const map = (m as Record<string, unknown>)['wasmloom.module'] as Map<string, unknown>;
    const text = map.get('text') as string;
    const bin = map.get('bin') as Uint8Array;
    // The first number of `bin` is the factory source's length.
    let factoryLength = 0;
    for (let i = 0, scale = 1; ; i++, scale *= 128) {
      factoryLength += (bin[i] & 0x7f) * scale;
      if (bin[i] < 0x80) break;
    }
    const code = unpack({ text, bin: bin.slice() });
    const sourcesLength = code.sources.reduce((n, s) => n + s.length, 0);
    expect(sourcesLength).toBeGreaterThan(1_000_000);
    expect(code.factorySource).toBe(text.slice(0, factoryLength));
    // sql.js is above LAZY_FACTORY_CHARS: its factory holds stubs, not the sources.
    expect(code.factorySource!.length).toBeLessThan(sourcesLength / 4);
    let outside = 0;
    for (const s of code.sources) if (!code.factorySource!.includes(s)) outside += s.length;
    // After the factory: the sources it does not contain, once, and the module's short strings.
    expect(text.length - factoryLength - outside).toBeGreaterThanOrEqual(0);
    expect(text.length - factoryLength - outside).toBeLessThan(20_000);
  });

  it('refuses a cycle through small objects, and nesting deeper than 256', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => pack({ module: loop, env: {}, sources: [] } as never, 'x')).toThrow(
      /nested deeper than 256/,
    );
    let deep: unknown = 0;
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(() => pack({ module: { deep }, env: {}, sources: [] } as never, 'x')).toThrow(TypeError);
  });

  it('refuses what is not plain data', () => {
    for (const bad of [() => 1, Symbol('s'), new Map(), new Date(0), new (class X {})()]) {
      expect(() => pack({ module: { bad }, env: {}, sources: [] } as never, 'x')).toThrow(TypeError);
    }
  });
});

describe('serializeModule and deserializeModule', () => {
  it('round-trip a module that then runs without compiling', () => {
    const m = new W.Module(kitchen);
    const blob = serializeModule(m);
    expect(blob).toBeInstanceOf(Uint8Array);
    expect([...blob.subarray(0, 8)]).toEqual([0x89, 0x57, 0x4c, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a]);
    const before = moduleStats();
    const back = deserializeModule(blob);
    const after = moduleStats();
    expect(after.compiled).toBe(before.compiled);
    expect(after.deserialized).toBe(before.deserialized + 1);
    expect(back).toBeInstanceOf(W.Module);
    expect(W.Module.exports(back)).toEqual(W.Module.exports(m));
    expect(W.Module.customSections(back, 'meta').map((b) => b.byteLength)).toEqual([3, 2]);
    const e = new W.Instance(back, kitchenImports(W)).exports as Record<string, (...a: unknown[]) => unknown>;
    expect(e.add64(40, 2n)).toBe(42n);
    expect(e.fmul(1.5, 2)).toBe(3);
    expect(e.callIndirect1()).toBe(7);
  });

  it('is deterministic, and the same for a module, its clone and its deserialized copy', () => {
    const a = serializeModule(new W.Module(kitchen));
    const b = serializeModule(new W.Module(kitchen));
    expect(b).toEqual(a);
    const m = new W.Module(kitchen);
    expect(serializeModule(structuredClone(m) as AnyModule)).toEqual(a);
    expect(serializeModule(deserializeModule(a))).toEqual(a);
  });

  it('takes an ArrayBuffer or any view, and does not keep the caller’s buffer', () => {
    const blob = serializeModule(new W.Module(v128Global));
    const padded = new Uint8Array(blob.length + 10);
    padded.set(blob, 5);
    const fromView = deserializeModule(new DataView(padded.buffer, 5, blob.length));
    const fromBuffer = deserializeModule(blob.slice().buffer);
    padded.fill(0);
    expect(W.Module.exports(fromView)).toEqual(W.Module.exports(fromBuffer));
    expect(() => deserializeModule('nope' as never)).toThrow(TypeError);
  });

  it('keeps text that is not ASCII (names) and data bytes exactly', () => {
    const name = 'ünïcödé 名前 🧵';
    const bytes = build({
      types: [funcType([], [I32])],
      imports: [imp('mödule', name, kind.func, 0)],
      funcs: [0],
      memories: [[0, 1]],
      exports: [exp(name, kind.func, 1), exp('mem', kind.memory, 0)],
      codes: [body(0x41, 0x2a, 0x0b)],
      datas: [[0, 0x41, 0, 0x0b, 4, 0xde, 0xad, 0xbe, 0xef]],
    });
    const m = new W.Module(bytes);
    const back = deserializeModule(serializeModule(m));
    expect(W.Module.imports(back)).toEqual([{ module: 'mödule', name, kind: 'function' }]);
    const e = new W.Instance(back, { mödule: { [name]: () => 1 } }).exports as Record<string, unknown>;
    expect((e[name] as () => number)()).toBe(42);
    expect([...new Uint8Array((e.mem as { buffer: ArrayBuffer }).buffer, 0, 4)]).toEqual([
      0xde, 0xad, 0xbe, 0xef,
    ]);
  });

  it('rejects a blob with any byte changed, with a TypeError', () => {
    const blob = serializeModule(new W.Module(kitchen));
    for (let i = 0; i < blob.length; i++) {
      const bad = blob.slice();
      bad[i] ^= 1 << (i % 8);
      expect(() => deserializeModule(bad), `byte ${i}`).toThrow(TypeError);
    }
    const flipped = blob.slice();
    flipped[blob.length >> 1] ^= 0xff;
    expect(() => deserializeModule(flipped)).toThrow(/checksum mismatch: the cache is corrupted/);
  });

  it('rejects a truncated blob at every length, and trailing bytes', () => {
    const blob = serializeModule(new W.Module(kitchen));
    for (let n = 0; n < blob.length; n++) {
      expect(() => deserializeModule(blob.subarray(0, n)), `length ${n}`).toThrow(TypeError);
    }
    expect(() => deserializeModule(blob.subarray(0, blob.length - 1))).toThrow(/truncated/);
    const longer = new Uint8Array(blob.length + 1);
    longer.set(blob);
    expect(() => deserializeModule(longer)).toThrow(/1 bytes after the end/);
  });

  it('rejects other versions, other formats and other files, saying which', () => {
    const blob = serializeModule(new W.Module(kitchen));
    expect(() => deserializeModule(withVersion(blob, '9.9.9'))).toThrow(
      /written by wasmloom 9\.9\.9; this is wasmloom/,
    );
    // A cache of the format before (its data segments were objects), and one of a later format.
    for (const other of [PACK_FORMAT - 1, PACK_FORMAT + 1]) {
      const format = blob.slice();
      format[8] = other;
      expect(() => deserializeModule(format)).toThrow(
        new RegExp(`cache format ${other}, this wasmloom .* reads format ${PACK_FORMAT}`),
      );
    }
    expect(() => deserializeModule(kitchen)).toThrow(/not a wasmloom module cache \(bad magic\)/);
    expect(() => deserializeModule(new Uint8Array(0))).toThrow(/truncated/);
  });

  it('VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });
});
