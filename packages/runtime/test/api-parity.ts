/**
 * Running the same scenario against Node's native `WebAssembly` and against
 * wasmloom's classes, and comparing what each observed. Native is the
 * reference: a scenario returns plain data (what it saw), or throws, and the
 * two outcomes must be equal. Known places where V8 11.3 (Node 20) departs
 * from the JS API spec are not compared this way; the tests that cover them
 * say so and check the spec's answer instead.
 *
 * Also used by packages/wasmloom/test (by relative path).
 */
import { expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: scenarios use either namespace through the same loose type
export type AnyNamespace = any;

/** Captured before any test could replace the global. */
export const native: AnyNamespace = globalThis.WebAssembly;

/** Values an [EnforceRange] unsigned long member must reject. */
export const OUT_OF_RANGE = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  2 ** 32,
  2 ** 36,
];

/**
 * A descriptor that logs each member read and each conversion of its value:
 * a number is handed over as an object with `valueOf`, a string as one with
 * `toString`, anything else as it is.
 */
export function recordingDescriptor(log: string[], values: Record<string, unknown>): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    Object.defineProperty(d, key, {
      enumerable: true,
      get() {
        log.push(key);
        if (typeof value === 'string') {
          return {
            toString() {
              log.push(`${key} toString`);
              return value;
            },
          };
        }
        if (typeof value !== 'number') return value;
        return {
          valueOf() {
            log.push(`${key} valueOf`);
            return value;
          },
        };
      },
    });
  }
  return d;
}

/** An error reduced to what must match: its class (the namespace's own for wasm errors). */
export function errorName(e: unknown, W: AnyNamespace): string {
  if (W.CompileError && e instanceof W.CompileError) return 'CompileError';
  if (W.LinkError && e instanceof W.LinkError) return 'LinkError';
  if (W.RuntimeError && e instanceof W.RuntimeError) return 'RuntimeError';
  for (const C of [TypeError, RangeError, SyntaxError, ReferenceError]) {
    if (e instanceof C) return C.name;
  }
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `thrown ${String(e)}`;
}

/**
 * A value reduced to comparable data: primitives as they are, functions by
 * name and length, arrays and plain objects member by member (plain objects
 * also list their keys in order), other objects by their toString tag.
 */
export function summarize(v: unknown, depth = 0): unknown {
  if (typeof v === 'symbol') return v.toString();
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
  if (typeof v === 'function') return `function ${v.name}/${v.length}`;
  if (depth > 4) return '…';
  if (Array.isArray(v)) return v.map((x) => summarize(x, depth + 1));
  if (v instanceof ArrayBuffer)
    return `ArrayBuffer(${v.byteLength}) [${new Uint8Array(v).slice(0, 16).join(',')}]`;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {
      $keys: Object.keys(v),
      $proto: proto === null ? 'null' : 'Object',
    };
    for (const k of Object.keys(v)) out[k] = summarize((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return Object.prototype.toString.call(v);
}

export type Outcome = { returned: unknown } | { threw: string };

export function run(f: () => unknown, W: AnyNamespace): Outcome {
  try {
    return { returned: summarize(f()) };
  } catch (e) {
    return { threw: errorName(e, W) };
  }
}

export type AsyncOutcome =
  | Outcome
  | { promise: 'fulfilled'; value: unknown }
  | { promise: 'rejected'; reason: string };

/** Like `run`, telling a synchronous throw from a returned promise and how it settled. */
export async function runAsync(f: () => unknown, W: AnyNamespace): Promise<AsyncOutcome> {
  let r: unknown;
  try {
    r = f();
  } catch (e) {
    return { threw: errorName(e, W) };
  }
  if (!(r instanceof Promise)) return { returned: summarize(r) };
  try {
    return { promise: 'fulfilled', value: summarize(await r) };
  } catch (e) {
    return { promise: 'rejected', reason: errorName(e, W) };
  }
}

/** A test that runs `scenario` on both namespaces and expects the same outcome. */
export function parity(name: string, loom: AnyNamespace, scenario: (W: AnyNamespace) => unknown): void {
  it(name, async () => {
    const expected = await runAsync(() => scenario(native), native);
    const actual = await runAsync(() => scenario(loom), loom);
    expect(actual).toEqual(expected);
  });
}

/** Each case's outcome on both namespaces: `cases` maps a label to a scenario. */
export function parityTable(
  name: string,
  loom: AnyNamespace,
  cases: Record<string, (W: AnyNamespace) => unknown>,
): void {
  it(name, async () => {
    const expected: Record<string, AsyncOutcome> = {};
    const actual: Record<string, AsyncOutcome> = {};
    for (const [label, scenario] of Object.entries(cases)) {
      expected[label] = await runAsync(() => scenario(native), native);
      actual[label] = await runAsync(() => scenario(loom), loom);
    }
    expect(actual).toEqual(expected);
  });
}

function isConstructor(f: unknown): boolean {
  if (typeof f !== 'function') return false;
  try {
    Reflect.construct(String, [], f);
    return true;
  } catch {
    return false;
  }
}

/** V8 gives its API constructors sloppy-function `arguments`/`caller` own properties; Web IDL does not. */
const V8_QUIRKS = new Set(['arguments', 'caller']);

function describeValue(v: unknown): string {
  if (typeof v === 'function') {
    return `function ${v.name}/${v.length}${isConstructor(v) ? ' constructor' : ''}${Object.hasOwn(v, 'prototype') ? ' +prototype' : ''}`;
  }
  if (typeof v === 'object' && v !== null) return 'object';
  return typeof v === 'symbol' ? v.toString() : JSON.stringify(v);
}

/**
 * Every own property of `o` with its attributes: `value <what> wec` or
 * `get <fn> set <fn> ec`, keyed by name (symbols by description).
 */
export function shape(o: object, ignore: readonly (string | symbol)[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Reflect.ownKeys(o)) {
    if (ignore.includes(key) || (typeof key === 'string' && V8_QUIRKS.has(key))) continue;
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    const flags = `${d.writable ? 'w' : '-'}${d.enumerable ? 'e' : '-'}${d.configurable ? 'c' : '-'}`;
    const what =
      'value' in d
        ? `value ${describeValue(d.value)}`
        : `get ${describeValue(d.get)} set ${describeValue(d.set)}`;
    out[typeof key === 'symbol' ? key.toString() : key] = `${what} ${flags}`;
  }
  return out;
}

/** The order of own keys, ignoring V8's quirks. */
export function keyOrder(o: object, ignore: readonly (string | symbol)[] = []): string[] {
  return Reflect.ownKeys(o)
    .filter((k) => !ignore.includes(k) && !(typeof k === 'string' && V8_QUIRKS.has(k)))
    .map((k) => (typeof k === 'symbol' ? k.toString() : k));
}

/** Interface object and prototype shapes, prototype chains, and the constructor's behaviour when called. */
export function interfaceParity(name: string, loom: AnyNamespace): void {
  it(`${name}: interface object, prototype and Web IDL shape as native`, () => {
    const n = native[name];
    const l = loom[name];
    expect(shape(l)).toEqual(shape(n));
    expect(shape(l.prototype)).toEqual(shape(n.prototype));
    expect(keyOrder(l.prototype)).toEqual(keyOrder(n.prototype));
    expect(Object.getPrototypeOf(l) === Function.prototype).toBe(
      Object.getPrototypeOf(n) === Function.prototype,
    );
    expect(Object.getPrototypeOf(l.prototype) === Object.prototype).toBe(
      Object.getPrototypeOf(n.prototype) === Object.prototype,
    );
    expect(Object.prototype.toString.call(l.prototype)).toBe(Object.prototype.toString.call(n.prototype));
    // Calling without `new` is a TypeError.
    expect(run(() => l(), loom)).toEqual(run(() => n(), native));
    for (const key of Reflect.ownKeys(n.prototype)) {
      const d = Object.getOwnPropertyDescriptor(n.prototype, key)!;
      // Operations and accessors brand-check their receiver.
      if (typeof d.value === 'function' && key !== 'constructor') {
        expect(run(() => l.prototype[key].call({}), loom)).toEqual(run(() => d.value.call({}), native));
        expect(run(() => l.prototype[key].call(l.prototype), loom)).toEqual(
          run(() => d.value.call(n.prototype), native),
        );
      }
      if (d.get) {
        const lg = Object.getOwnPropertyDescriptor(l.prototype, key)!.get!;
        expect(run(() => lg.call({}), loom)).toEqual(run(() => d.get!.call({}), native));
        expect(run(() => lg.call(l.prototype), loom)).toEqual(run(() => d.get!.call(n.prototype), native));
      }
    }
  });
}
