/**
 * `WebAssembly.CompileError`, `LinkError` and `RuntimeError`: plain subclasses
 * of `Error` whose prototypes carry `name` (non-enumerable, as for the native
 * error types), shared by every namespace `createWebAssembly` makes, so
 * `instanceof` works across them.
 */
import type { WasmError } from '@wasmloom/binary';

function setName(ctor: { prototype: object }, name: string): void {
  Object.defineProperty(ctor.prototype, 'name', {
    value: name,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

export class CompileError extends Error {}
setName(CompileError, 'CompileError');

export class LinkError extends Error {}
setName(LinkError, 'LinkError');

export class RuntimeError extends Error {}
setName(RuntimeError, 'RuntimeError');

/** The CompileError for a decoding or validation failure: its message carries the byte offset. */
export function compileErrorFrom(e: WasmError): CompileError {
  return new CompileError(e.describe(), { cause: e });
}
