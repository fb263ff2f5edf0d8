/**
 * A raw-invoke hook built only from the public JS API: a tiny wasm module
 * imports the function under test with the expected signature, loads the
 * arguments from its memory (references from its tables), calls it, and stores
 * the results back. Values never pass through JS numbers, so NaN payloads and
 * v128 values arrive bit for bit. The namespace must itself compile and
 * instantiate the trampoline (Node's native one does; wasmloom will once it
 * instantiates).
 */
import type { WebAssemblyLike } from './namespace.js';
import { type InvokeRaw, type RawValue, UnsupportedValue } from './values.js';

const VALTYPE: Record<string, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
};
/** Load and store opcodes (v128 ones are 0xfd-prefixed). */
const LOAD: Record<string, number[]> = {
  i32: [0x28],
  i64: [0x29],
  f32: [0x2a],
  f64: [0x2b],
  v128: [0xfd, 0x00],
};
const STORE: Record<string, number[]> = {
  i32: [0x36],
  i64: [0x37],
  f32: [0x38],
  f64: [0x39],
  v128: [0xfd, 0x0b],
};
/** Table index per reference type. */
const TABLE: Record<string, number> = { externref: 0, funcref: 1 };
const SLOT = 16;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

function valType(t: string): number {
  const b = VALTYPE[t];
  if (b === undefined) throw new UnsupportedValue(`the trampoline cannot pass a ${t}`);
  return b;
}

/** The trampoline module's bytes for `(params) -> (results)`. */
export function trampolineBytes(params: string[], results: string[]): Uint8Array {
  const slots = Math.max(1, params.length + results.length);
  const calleeType = [
    0x60,
    ...vec(params.map((t) => [valType(t)])),
    ...vec(results.map((t) => [valType(t)])),
  ];
  const runType = [0x60, 0, 0];
  const body: number[] = [];
  params.forEach((t, i) => {
    if (t in TABLE) body.push(0x41, ...sleb(i), 0x25, TABLE[t]);
    else body.push(0x41, ...sleb(i * SLOT), ...LOAD[t], 0, 0);
  });
  body.push(0x10, 0); // call the import
  for (let j = results.length - 1; j >= 0; j--) body.push(0x21, ...uleb(j));
  results.forEach((t, j) => {
    const slot = params.length + j;
    if (t in TABLE) body.push(0x41, ...sleb(slot), 0x20, ...uleb(j), 0x26, TABLE[t]);
    else body.push(0x41, ...sleb(slot * SLOT), 0x20, ...uleb(j), ...STORE[t], 0, 0);
  });
  body.push(0x0b);
  const locals = vec(results.map((t) => [1, valType(t)]));
  const func = [...locals, ...body];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([calleeType, runType])),
    ...section(2, vec([[...name('h'), ...name('f'), 0x00, 0]])),
    ...section(3, vec([[1]])),
    ...section(
      4,
      vec([
        [0x6f, 0x00, ...uleb(slots)],
        [0x70, 0x00, ...uleb(slots)],
      ]),
    ),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('run'), 0x00, 1],
        [...name('mem'), 0x02, 0],
        [...name('te'), 0x01, 0],
        [...name('tf'), 0x01, 1],
      ]),
    ),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return new Uint8Array(bytes);
}

interface Trampoline {
  run: () => void;
  mem: { buffer: ArrayBuffer };
  te: { get(i: number): unknown; set(i: number, v: unknown): void };
  tf: { get(i: number): unknown; set(i: number, v: unknown): void };
}

/** An `InvokeRaw` for any namespace that can compile and instantiate the trampoline. */
export function createWasmInvokeRaw(ns: WebAssemblyLike): InvokeRaw {
  const modules = new Map<string, object>();
  const instances = new WeakMap<object, Map<string, Trampoline>>();
  return (func, args, resultTypes) => {
    const params = args.map((a) => a.type);
    const key = `${params.join(',')}->${resultTypes.join(',')}`;
    let perFunc = instances.get(func as object);
    if (!perFunc) {
      perFunc = new Map();
      instances.set(func as object, perFunc);
    }
    let t = perFunc.get(key);
    if (!t) {
      let module = modules.get(key);
      if (!module) {
        module = new ns.Module(trampolineBytes(params, resultTypes));
        modules.set(key, module);
      }
      t = (new ns.Instance(module, { h: { f: func } }) as { exports: Trampoline }).exports;
      perFunc.set(key, t);
    }
    const view = new DataView(t.mem.buffer);
    args.forEach((a, i) => {
      const at = i * SLOT;
      switch (a.type) {
        case 'i32':
        case 'f32':
          view.setUint32(at, Number(a.bits) >>> 0, true);
          break;
        case 'i64':
        case 'f64':
          view.setBigUint64(at, BigInt.asUintN(64, BigInt(a.bits ?? 0)), true);
          break;
        case 'v128':
          new Uint8Array(t.mem.buffer, at, 16).set(a.bytes ?? new Uint8Array(16));
          break;
        case 'externref':
          t.te.set(i, a.ref);
          break;
        default:
          t.tf.set(i, a.ref);
      }
    });
    t.run();
    return resultTypes.map((type, j): RawValue => {
      const slot = args.length + j;
      const at = slot * SLOT;
      switch (type) {
        case 'i32':
        case 'f32':
          return { type, bits: view.getUint32(at, true) };
        case 'i64':
        case 'f64':
          return { type, bits: view.getBigUint64(at, true) };
        case 'v128':
          return { type, bytes: new Uint8Array(t.mem.buffer.slice(at, at + 16)) };
        case 'externref':
          return { type, ref: t.te.get(slot) };
        default:
          return { type, ref: t.tf.get(slot) };
      }
    });
  };
}
