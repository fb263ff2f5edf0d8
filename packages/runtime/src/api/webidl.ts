/**
 * The Web IDL rules the JS API classes need: argument conversions
 * ([EnforceRange] unsigned long, DOMString, enumerations, dictionaries,
 * sequences, interface types), and interface objects whose operations and
 * attributes are enumerable and whose prototype carries `Symbol.toStringTag`.
 *
 * Messages name the operation and argument the way V8 does
 * (`WebAssembly.Table.get(): Argument 0 ...`), so errors read the same as
 * with the native engine; only the error class is specified.
 */
import { Math, Number, Object, push } from '../intrinsics.js';

/** [EnforceRange] unsigned long. */
export function enforceRangeU32(v: unknown, what: string): number {
  // Unary plus is ToNumber: TypeError for BigInt and Symbol, valueOf for objects.
  const x = +(v as number);
  if (!Number.isFinite(x)) throw new TypeError(`${what} must be convertible to a valid number`);
  const n = Math.trunc(x);
  if (n < 0) throw new TypeError(`${what} must be non-negative`);
  if (n > 0xffffffff) throw new TypeError(`${what} must be in the unsigned long range`);
  return n === 0 ? 0 : n;
}

/** DOMString: ToString (TypeError for Symbols). */
export function domString(v: unknown): string {
  return `${v as string}`;
}

/** An enumeration value: ToString, then one of `values`, else TypeError. */
export function enumValue<T extends string>(v: unknown, values: readonly T[], what: string): T {
  const s = domString(v);
  if (!(values as readonly string[]).includes(s))
    throw new TypeError(`${what} must be one of ${values.join(', ')}`);
  return s as T;
}

/** A dictionary argument: undefined and null read as empty; other non-objects are a TypeError. */
export function dictionary(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' && typeof v !== 'function')
    throw new TypeError(`${what} must be a dictionary object`);
  return v as Record<string, unknown>;
}

/** `sequence<T>`: an object with `Symbol.iterator`, each item converted in order. */
export function sequence<T>(v: unknown, what: string, convert: (item: unknown, i: number) => T): T[] {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) {
    throw new TypeError(`${what} must be an iterable object`);
  }
  const method = (v as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError(`${what} must be an iterable object`);
  const out: T[] = [];
  for (const item of { [Symbol.iterator]: () => method.call(v) } as Iterable<unknown>) {
    push(out, convert(item, out.length));
  }
  return out;
}

/** `optional object`: undefined passes, anything else must be an object (functions are objects). */
export function optionalObject(v: unknown, what: string): object | undefined {
  if (v === undefined) return undefined;
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) {
    throw new TypeError(`${what} must be an object`);
  }
  return v as object;
}

/** TypeError for an operation called with fewer arguments than it requires. */
export function requireArguments(count: number, required: number, what: string): void {
  if (count < required) {
    throw new TypeError(
      `${what}: ${required} argument${required === 1 ? '' : 's'} required, but only ${count} present`,
    );
  }
}

/**
 * Makes a class look like a Web IDL interface object: prototype operations and
 * attributes enumerable, `toStringTag` set, constructor `length` as declared.
 */
export function defineInterface(
  ctor: { prototype: object; length: number },
  tag: string,
  length: number,
): void {
  const proto = ctor.prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor') continue;
    const desc = Object.getOwnPropertyDescriptor(proto, key)!;
    desc.enumerable = true;
    Object.defineProperty(proto, key, desc);
  }
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag, configurable: true });
  Object.defineProperty(ctor, 'length', { value: length });
}

/** Sets a method's `length` (Web IDL: the number of required arguments). */
export function setLength(fn: unknown, length: number): void {
  Object.defineProperty(fn, 'length', { value: length });
}
