/**
 * Compiling a whole module held in memory: the binary parser (decoding and
 * module-level validation), then the compiler's single pass over every function
 * body (validation and JS emission). The result is the runtime's `CompiledCode`:
 * plain data, ready to instantiate.
 */
import { type Features, parseModule } from '@wasmloom/binary';
import { compileFunction } from '@wasmloom/compiler';
import type { CompiledCode } from '@wasmloom/runtime';

/** Throws the first `WasmError` (malformed or invalid, in index order), with its byte offset. */
export function compileModuleBytes(bytes: Uint8Array, features: Features): CompiledCode {
  const { module, env, bodies } = parseModule(bytes, { features, keepBodies: true });
  const sources = new Array<string>(bodies.length);
  for (let i = 0; i < bodies.length; i++) sources[i] = compileFunction(env, bodies[i].index, bodies[i]);
  return { module, env, sources };
}
