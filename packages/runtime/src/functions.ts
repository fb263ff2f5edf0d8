/**
 * Functions at the JS boundary: the registry of wasm exported functions, the
 * export wrapper (JS → internal convention) and the host adapter (internal
 * convention → JS), and ToWebAssemblyValue / ToJSValue for every value type.
 *
 * Wrappers and adapters are generated JS, one factory per canonical signature
 * (cached), so a call converts each argument with straight-line code instead of
 * looping over a type list.
 */

import type { FuncRef } from '@wasmloom/binary';
import {
  F32,
  F64,
  HeapTypes,
  heapOf,
  I32,
  I64,
  isNullable,
  isRef,
  typeIndexOfHeap,
  V128,
} from '@wasmloom/binary';
import { bindThis, Function, Math, Object, push } from './intrinsics.js';
import { sigType } from './signatures.js';
import { assertJSCompatible, bigHi, bigLo, HI, pairToBigInt, RV, toBigInt64 } from './values.js';

type AnyFunction = Function;

/** A FuncRef (abi.ts) as the runtime creates it. */
export interface FuncRecord extends FuncRef {
  /** Function index in the instance that made the record: the exported function's `name`. */
  index: number;
}

/** Exported function → its record: recognises wasm functions from every instance. */
const records = new WeakMap<AnyFunction, FuncRecord>();

/** The record of a wasm exported function, or undefined for anything else. */
export function funcRecordOf(v: unknown): FuncRecord | undefined {
  return typeof v === 'function' ? records.get(v) : undefined;
}

export function isExportedFunction(v: unknown): boolean {
  return funcRecordOf(v) !== undefined;
}

export function newFuncRecord(fn: FuncRef['fn'], sig: number, index: number): FuncRecord {
  return { fn, sig, js: null, index };
}

/** The exported function of a record: created once, then the same JS function. */
export function exportFunction(ref: FuncRecord): AnyFunction {
  let js = ref.js;
  if (js === null) {
    // Bound: `String(f)` shows `function () { [native code] }`, not the wrapper's source.
    const name = String(ref.index);
    js = bindThis(exportMaker(ref.sig)(ref, name), undefined) as FuncRecord['js'] & AnyFunction;
    Object.defineProperty(js, 'name', { value: name, configurable: true });
    ref.js = js;
    records.set(js as AnyFunction, ref);
  }
  return js as AnyFunction;
}

// ---- Value conversions ---------------------------------------------------------

/**
 * ToWebAssemblyValue: a JS value as the internal value of type `t`. i64 comes
 * back as a BigInt (callers split it); v128 throws TypeError.
 */
export function toWasmValue(v: unknown, t: number): unknown {
  switch (t) {
    case I32:
      return (v as number) | 0;
    case I64:
      return toBigInt64(v);
    case F32:
      return Math.fround(v as number);
    case F64:
      return +(v as number);
  }
  if (isRef(t)) {
    if (v === null) {
      if (!isNullable(t)) throw new TypeError('cannot pass null as a non-nullable reference');
      return null;
    }
    const h = heapOf(t);
    if (h === HeapTypes.extern) return v;
    if (h === HeapTypes.func || typeIndexOfHeap(h) >= 0) {
      const rec = funcRecordOf(v);
      if (rec === undefined)
        throw new TypeError(
          'type incompatibility: function-typed value must be null or a WebAssembly function',
        );
      if (typeIndexOfHeap(h) >= 0)
        throw new TypeError('typed function references are not supported at the JS boundary');
      return rec;
    }
    throw new TypeError('type incompatibility: value cannot be converted to this reference type');
  }
  assertJSCompatible(t);
  return v;
}

/** ToJSValue: an internal value of type `t` (for i64: `w` is lo, `hi` the high half). */
export function toJSValue(w: unknown, t: number, hi = 0): unknown {
  switch (t) {
    case I32:
    case F32:
    case F64:
      return w;
    case I64:
      return pairToBigInt(w as number, hi);
  }
  if (isRef(t)) {
    if (w === null) return null;
    const h = heapOf(t);
    if (h === HeapTypes.func || h === HeapTypes.nofunc || typeIndexOfHeap(h) >= 0) {
      return exportFunction(w as FuncRecord);
    }
    return w;
  }
  assertJSCompatible(t);
  return w;
}

// ---- Generated wrappers ----------------------------------------------------------------

const runtimeBindings = {
  toBigInt64,
  bigLo,
  bigHi,
  pairToBigInt,
  HI,
  RV,
  toW: toWasmValue,
  toJ: toJSValue,
  fround: Math.fround,
};
const bindingPrelude = `'use strict';\nconst {${Object.keys(runtimeBindings).join(', ')}} = rt;\n`;

function hasV128(sig: number): boolean {
  const t = sigType(sig);
  return t.params.includes(V128) || t.results.includes(V128);
}
const v128Throw = `throw new TypeError('type incompatibility when transforming from/to JS');\n`;

/** JS expression converting JS value `a` to the internal value(s) of type `t` (an i64 needs a statement). */
function argToWasm(a: string, t: number, out: string[], stmts: string[]): void {
  switch (t) {
    case I32:
      push(out, `${a} | 0`);
      return;
    case I64:
      push(stmts, `const ${a}b = toBigInt64(${a});`);
      push(out, `bigLo(${a}b)`, `bigHi(${a}b)`);
      return;
    case F32:
      push(out, `fround(${a})`);
      return;
    case F64:
      push(out, `+${a}`);
      return;
  }
  push(out, `toW(${a}, ${t})`);
}

type ExportMaker = (rec: FuncRef, name: string) => AnyFunction;
const exportMakers: ExportMaker[] = [];

/**
 * The export wrapper factory of a signature: arguments converted in order
 * (missing ones are undefined), the internal function called, the result(s)
 * converted back (several results → an array). Method syntax makes the wrapper
 * a non-constructor without `prototype`, like a built-in function. The record's
 * `fn` is read at each call: a lazily defined function (instance.ts) replaces
 * its stub there on its first call.
 */
function exportMaker(sig: number): ExportMaker {
  let make = exportMakers[sig];
  if (make !== undefined) return make;
  const { params, results } = sigType(sig);
  const formals = params.map((_, i) => `a${i}`);
  let body = '';
  if (hasV128(sig)) {
    body = v128Throw;
  } else {
    const args: string[] = [];
    const stmts: string[] = [];
    params.forEach((t, i) => {
      // Convert each argument into a local first: the spec converts all of them before the call.
      const parts: string[] = [];
      argToWasm(`a${i}`, t, parts, stmts);
      if (t === I64) push(args, ...parts);
      else {
        push(stmts, `const p${i} = ${parts[0]};`);
        push(args, `p${i}`);
      }
    });
    body += `${stmts.join('\n')}\n`;
    // Called without a receiver: a stack frame reads `at main`, not `at Object.main [as fn]`.
    const call = `(0, rec.fn)(${args.join(', ')})`;
    if (results.length === 0) body += `${call};\nreturn undefined;\n`;
    else if (results.length === 1) {
      const t = results[0];
      if (t === I64) body += `const r = ${call};\nreturn pairToBigInt(r, HI[0]);\n`;
      else if (t === I32 || t === F32 || t === F64) body += `return ${call};\n`;
      else body += `return toJ(${call}, ${t});\n`;
    } else {
      body += `${call};\n`;
      const reads: string[] = [];
      const values: string[] = [];
      let slot = 0;
      results.forEach((t, j) => {
        if (t === I64) {
          push(reads, `const r${j} = RV[${slot}], r${j}h = RV[${slot + 1}];`);
          push(values, `pairToBigInt(r${j}, r${j}h)`);
          slot += 2;
        } else {
          push(reads, `const r${j} = RV[${slot}];`);
          push(values, t === I32 || t === F32 || t === F64 ? `r${j}` : `toJ(r${j}, ${t})`);
          slot += 1;
        }
      });
      body += `${reads.join('\n')}\nreturn [${values.join(', ')}];\n`;
    }
  }
  const src = `${bindingPrelude}return function (rec, name) {\nreturn { [name](${formals.join(', ')}) {\n${body}} }[name];\n};`;
  make = new Function('rt', src)(runtimeBindings) as ExportMaker;
  exportMakers[sig] = make;
  return make;
}

type AdapterMaker = (host: AnyFunction) => FuncRef['fn'];
const adapterMakers: AdapterMaker[] = [];

/**
 * A JS function adapted to the internal calling convention of `sig`: internal
 * arguments become JS values, `this` is undefined, the return value is
 * converted with ToWebAssemblyValue (several results: from an iterable of
 * exactly that length, written to `RV` only after every conversion, since a
 * conversion may run user code that calls wasm).
 */
export function hostAdapter(host: AnyFunction, sig: number): FuncRef['fn'] {
  let make = adapterMakers[sig];
  if (make === undefined) {
    make = buildAdapterMaker(sig);
    adapterMakers[sig] = make;
  }
  return make(host);
}

function buildAdapterMaker(sig: number): AdapterMaker {
  const { params, results } = sigType(sig);
  const formals: string[] = [];
  const jsArgs: string[] = [];
  params.forEach((t, i) => {
    if (t === I64) {
      push(formals, `p${i}`, `p${i}h`);
      push(jsArgs, `pairToBigInt(p${i}, p${i}h)`);
    } else {
      push(formals, `p${i}`);
      push(jsArgs, t === I32 || t === F32 || t === F64 ? `p${i}` : `toJ(p${i}, ${t})`);
    }
  });
  let body: string;
  if (hasV128(sig)) body = v128Throw;
  else {
    body = `const r = host(${jsArgs.join(', ')});\n`;
    if (results.length === 1) {
      const t = results[0];
      if (t === I64) body += 'const b = toBigInt64(r);\nHI[0] = bigHi(b);\nreturn bigLo(b);\n';
      else if (t === I32) body += 'return r | 0;\n';
      else if (t === F32) body += 'return fround(r);\n';
      else if (t === F64) body += 'return +r;\n';
      else body += `return toW(r, ${t});\n`;
    } else if (results.length > 1) {
      body += `const l = [...r];\nif (l.length !== ${results.length}) throw new TypeError('multi-value host function returned ' + l.length + ' values, expected ${results.length}');\n`;
      const writes: string[] = [];
      let slot = 0;
      results.forEach((t, j) => {
        if (t === I64) {
          body += `const v${j} = toBigInt64(l[${j}]);\n`;
          push(writes, `RV[${slot}] = bigLo(v${j});`, `RV[${slot + 1}] = bigHi(v${j});`);
          slot += 2;
        } else {
          const conv =
            t === I32
              ? `l[${j}] | 0`
              : t === F32
                ? `fround(l[${j}])`
                : t === F64
                  ? `+l[${j}]`
                  : `toW(l[${j}], ${t})`;
          body += `const v${j} = ${conv};\n`;
          push(writes, `RV[${slot}] = v${j};`);
          slot += 1;
        }
      });
      body += `${writes.join('\n')}\n`;
    }
  }
  const src = `${bindingPrelude}return function (host) {\nreturn function (${formals.join(', ')}) {\n${body}};\n};`;
  return new Function('rt', src)(runtimeBindings) as AdapterMaker;
}
