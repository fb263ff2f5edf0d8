/**
 * `WebAssembly.CompileError`, `LinkError` and `RuntimeError` are the runtime's
 * (shared by every namespace, so `instanceof` works across them).
 */
import type { WasmError } from '@wasmloom/binary';
import { CompileError } from '@wasmloom/runtime';

export { CompileError, LinkError, RuntimeError } from '@wasmloom/runtime';

/**
 * The CompileError for a decoding or validation failure: `context: message
 * (at offset 0x1a2f, function 17)`. Like the native error it has no `cause`:
 * the WasmError is internal, and everything it knows is in the message.
 */
export function compileErrorFrom(e: WasmError, context?: string): Error {
  return new CompileError(context ? `${context}: ${e.describe()}` : e.describe());
}
