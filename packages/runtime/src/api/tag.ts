/**
 * `WebAssembly.Tag` and `WebAssembly.Exception`.
 *
 * wasmloom's compiler does not implement the exception-handling instructions
 * (`throw`, `try`, `catch`, ...): a module using them fails to compile with a
 * CompileError. What is here is the JS API around them, complete on its own:
 * tags are created from JS or defined by modules, imported and exported with
 * their identity (a tag import must be given a Tag of the same type), and
 * `Exception` objects carry a tag and a payload that `getArg` and `is` read.
 * Wasm code never throws or catches them.
 */
import { V128 } from '@wasmloom/binary';
import { toJSValue, toWasmValue } from '../functions.js';
import { canonicalSig } from '../signatures.js';
import { toValueType } from './global.js';
import { defineInterface, dictionary, enforceRangeU32, sequence, setLength } from './webidl.js';

/** A tag (the store's tag instance): its parameter types and canonical signature id. */
export class WasmTag {
  readonly params: readonly number[];
  /** Canonical id of the function type `params -> []` (equal ids ⇔ equal tag types). */
  readonly sig: number;
  /** The `WebAssembly.Tag` of this tag, once one exists. */
  api: object | null = null;

  constructor(params: readonly number[]) {
    this.params = params.slice();
    this.sig = canonicalSig({ params: this.params, results: [] });
  }
}

const tags = new WeakMap<object, WasmTag>();

export class Tag {
  /** `type.parameters`: a sequence of ValueType names. */
  constructor(type: unknown) {
    const d = dictionary(type, 'WebAssembly.Tag(): Argument 0');
    const parametersV = d.parameters;
    if (parametersV === undefined) {
      throw new TypeError("WebAssembly.Tag(): Argument 0 must be a tag type with 'parameters'");
    }
    const params = sequence(parametersV, "WebAssembly.Tag(): Argument 0's 'parameters'", (item, i) =>
      toValueType(item, `WebAssembly.Tag(): parameter type at index #${i}`),
    );
    const tag = new WasmTag(params);
    tag.api = this;
    tags.set(this, tag);
  }
}
defineInterface(Tag, 'WebAssembly.Tag', 1);

/** The tag behind a `WebAssembly.Tag`, or undefined for any other value. */
export function tagOf(v: unknown): WasmTag | undefined {
  return typeof v === 'object' && v !== null ? tags.get(v) : undefined;
}

/** The `WebAssembly.Tag` of a tag, created on first use. */
export function tagObject(tag: WasmTag): Tag {
  if (tag.api === null) {
    const obj = Object.create(Tag.prototype) as Tag;
    tags.set(obj, tag);
    tag.api = obj;
  }
  return tag.api as Tag;
}

function tagArg(v: unknown, what: string): WasmTag {
  const tag = tagOf(v);
  if (tag === undefined) throw new TypeError(`${what}: Argument 0 must be a WebAssembly.Tag`);
  return tag;
}

interface ExceptionData {
  tag: WasmTag;
  /** Internal values (i64: BigInt). */
  payload: unknown[];
}

const exceptions = new WeakMap<object, ExceptionData>();

function exceptionData(self: unknown, what: string): ExceptionData {
  const data = exceptions.get(self as object);
  if (data === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Exception`);
  return data;
}

export class Exception {
  /**
   * `new Exception(tag, payload, options)`: the payload has one value per tag
   * parameter, each converted with ToWebAssemblyValue (v128: TypeError).
   * `options.traceStack` adds a `stack` property, as V8 does.
   */
  constructor(exceptionTag: unknown, payload: unknown, options?: unknown) {
    const tag = tagArg(exceptionTag, 'WebAssembly.Exception()');
    const values = sequence(payload, 'WebAssembly.Exception(): Argument 1', (v) => v);
    const opts = dictionary(options, 'WebAssembly.Exception(): Argument 2');
    const traceStack = Boolean(opts.traceStack);
    if (values.length !== tag.params.length) {
      throw new TypeError(
        `WebAssembly.Exception(): the payload has ${values.length} values, the tag expects ${tag.params.length}`,
      );
    }
    const internal = values.map((v, i) => {
      const t = tag.params[i];
      if (t === V128) throw new TypeError('WebAssembly.Exception(): a v128 value cannot be created from JS');
      return toWasmValue(v, t);
    });
    exceptions.set(this, { tag, payload: internal });
    if (traceStack) {
      const holder: { stack?: string } = {};
      Error.captureStackTrace?.(holder, new.target);
      Object.defineProperty(this, 'stack', {
        value: holder.stack ?? new Error().stack,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: a value of the parameter's type
  getArg(exceptionTag: Tag, index: number): any {
    const data = exceptionData(this, 'WebAssembly.Exception.getArg()');
    const tag = tagArg(exceptionTag, 'WebAssembly.Exception.getArg()');
    const i = enforceRangeU32(index, 'WebAssembly.Exception.getArg(): Argument 1');
    if (tag !== data.tag) {
      throw new TypeError('WebAssembly.Exception.getArg(): Argument 0 does not match the exception tag');
    }
    if (i >= data.payload.length) throw new RangeError('WebAssembly.Exception.getArg(): Index out of range');
    const t = data.tag.params[i];
    const v = data.payload[i];
    return typeof v === 'bigint' ? v : toJSValue(v, t);
  }

  is(exceptionTag: Tag): boolean {
    const data = exceptionData(this, 'WebAssembly.Exception.is()');
    return tagArg(exceptionTag, 'WebAssembly.Exception.is()') === data.tag;
  }
}
defineInterface(Exception, 'WebAssembly.Exception', 1);
setLength(Exception.prototype.getArg, 2);
setLength(Exception.prototype.is, 1);
