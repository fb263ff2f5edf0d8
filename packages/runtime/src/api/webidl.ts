/**
 * The few Web IDL rules the JS API classes need: [EnforceRange] unsigned long,
 * dictionary arguments, and interface objects whose operations and attributes
 * are enumerable and whose prototype carries `Symbol.toStringTag`.
 */

/** [EnforceRange] unsigned long. */
export function enforceRangeU32(v: unknown, what: string): number {
  // Unary plus is ToNumber: TypeError for BigInt and Symbol, valueOf for objects.
  const x = +(v as number);
  if (!Number.isFinite(x)) throw new TypeError(`${what} must be convertible to a valid number`);
  const n = Math.trunc(x);
  if (n < 0 || n > 0xffffffff) throw new TypeError(`${what} must be in the unsigned long range`);
  return n === 0 ? 0 : n;
}

/** A dictionary argument: undefined and null read as empty; other non-objects are a TypeError. */
export function dictionary(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' && typeof v !== 'function')
    throw new TypeError(`${what} must be a dictionary object`);
  return v as Record<string, unknown>;
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
