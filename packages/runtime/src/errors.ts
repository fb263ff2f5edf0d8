/**
 * `WebAssembly.CompileError`, `LinkError` and `RuntimeError`, shaped like the
 * native ones: NativeError-style constructors (callable with or without `new`,
 * `length` 1, `Object.getPrototypeOf(C) === Error`), `name` and `message` on the
 * prototype, instances that are real Error objects (`[[ErrorData]]`, a stack,
 * `cause` from the options). A plain `class extends Error` cannot be called
 * without `new`, which native code and tests do.
 */
import { Object, Reflect } from './intrinsics.js';

export interface CompileError extends Error {}
export interface LinkError extends Error {}
export interface RuntimeError extends Error {}

export interface WasmErrorConstructor<T extends Error> {
  new (message?: string, options?: ErrorOptions): T;
  (message?: string, options?: ErrorOptions): T;
  readonly prototype: T;
}

function defineErrorType<T extends Error>(name: string): WasmErrorConstructor<T> {
  // A method-less function expression keeps `new.target` working for subclasses.
  const ctor = function (this: unknown, message?: string, options?: ErrorOptions) {
    const args: unknown[] = options === undefined ? [message] : [message, options];
    return Reflect.construct(Error, args, new.target ?? ctor);
  } as unknown as WasmErrorConstructor<T>;
  Object.defineProperty(ctor, 'name', { value: name });
  Object.defineProperty(ctor, 'length', { value: 1 });
  Object.setPrototypeOf(ctor, Error);
  const proto = Object.create(Error.prototype, {
    constructor: { value: ctor, writable: true, configurable: true },
    name: { value: name, writable: true, configurable: true },
    message: { value: '', writable: true, configurable: true },
  });
  Object.defineProperty(ctor, 'prototype', { value: proto, writable: false });
  return ctor;
}

export const CompileError: WasmErrorConstructor<CompileError> = defineErrorType('CompileError');
export const LinkError: WasmErrorConstructor<LinkError> = defineErrorType('LinkError');
export const RuntimeError: WasmErrorConstructor<RuntimeError> = defineErrorType('RuntimeError');
