/**
 * Compiling a whole module held in memory, synchronously (`new
 * WebAssembly.Module`, `validate`): the binary parser walks the bytes once and
 * each function body is compiled (validated and emitted in one pass) as soon
 * as the parser reaches it, exactly as the streaming driver does, so both
 * report the same first error (the one at the lowest byte offset).
 */
import {
  type Features,
  type FunctionBody,
  type ModuleEnv,
  type ParsedModule,
  parseModule,
} from '@wasmloom/binary';
import { compileFunction, validateFunction } from '@wasmloom/compiler';
import type { CompiledCode } from '@wasmloom/runtime';

/**
 * Parses `bytes`, handing each function body to `onBody` with the module's
 * env as soon as the parser reaches it.
 */
function parseBodies(
  bytes: Uint8Array,
  features: Features,
  onBody: (env: ModuleEnv, body: FunctionBody) => void,
): ParsedModule {
  let frozen: ModuleEnv | null = null;
  return parseModule(bytes, {
    features,
    keepBodies: false,
    onEnv(e) {
      frozen = e;
    },
    // onEnv always runs before the first body (the env freezes at the code section).
    onBody: (body) => onBody(frozen!, body),
  });
}

/**
 * Throws the first `WasmError` (malformed or invalid) with its byte offset;
 * compileFunction's errors name their function. Function bodies are read from
 * `bytes` in place: the caller must own them.
 */
export function compileModuleBytes(bytes: Uint8Array, features: Features): CompiledCode {
  const sources: string[] = [];
  const { module, env } = parseBodies(bytes, features, (e, body) => {
    sources[body.index - e.numImportedFuncs] = compileFunction(e, body.index, body);
  });
  return { module, env, sources };
}

/**
 * `WebAssembly.validate`: decodes and validates without keeping anything
 * (the decoder with the null emitter: no JS text is made). Throws the first WasmError.
 */
export function validateModuleBytes(bytes: Uint8Array, features: Features): void {
  parseBodies(bytes, features, (e, body) => validateFunction(e, body.index, body));
}
