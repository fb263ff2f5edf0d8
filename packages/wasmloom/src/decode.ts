/**
 * Compiling a whole module held in memory, synchronously (`new
 * WebAssembly.Module`, `validate`): the binary parser walks the bytes once and
 * each function body is compiled (validated and emitted in one pass) as soon
 * as the parser reaches it, exactly as the streaming driver does, so both
 * report the same first error (the one at the lowest byte offset).
 */
import { type Features, type ModuleEnv, parseModule } from '@wasmloom/binary';
import { validateFunction } from '@wasmloom/compiler';
import type { CompiledCode } from '@wasmloom/runtime';
import { compileBody } from './streaming.js';

/**
 * Throws the first `WasmError` (malformed or invalid) with its byte offset.
 * Function bodies are read from `bytes` in place: the caller must own them.
 */
export function compileModuleBytes(bytes: Uint8Array, features: Features): CompiledCode {
  const sources: string[] = [];
  let frozen: ModuleEnv | null = null;
  const { module, env } = parseModule(bytes, {
    features,
    keepBodies: false,
    onEnv(e) {
      frozen = e;
    },
    onBody(body) {
      // onEnv always runs before the first body (the env freezes at the code section).
      const e = frozen!;
      sources[body.index - e.numImportedFuncs] = compileBody(e, body);
    },
  });
  return { module, env, sources };
}

/**
 * `WebAssembly.validate`: decodes and validates without keeping anything
 * (the decoder with the null emitter: no JS text is made). Throws the first WasmError.
 */
export function validateModuleBytes(bytes: Uint8Array, features: Features): void {
  let frozen: ModuleEnv | null = null;
  parseModule(bytes, {
    features,
    keepBodies: false,
    onEnv(e) {
      frozen = e;
    },
    onBody(body) {
      validateFunction(frozen!, body.index, body);
    },
  });
}
