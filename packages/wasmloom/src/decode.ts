/**
 * Compiling a whole module held in memory, synchronously (`new
 * WebAssembly.Module`, `validate`): the binary parser walks the bytes once and
 * each function body is validated (the decoder with the null emitter) as soon
 * as the parser reaches it, exactly as the streaming driver does, so both
 * report the same first error (the one at the lowest byte offset). The bodies
 * are kept once (`CodeBodies`); their JS is emitted on first call (emit.ts).
 */
import {
  CodeBodiesBuilder,
  type CodeSectionRange,
  type Features,
  type ModuleEnv,
  parseModule,
} from '@wasmloom/binary';
import { validateFunction } from '@wasmloom/compiler';
import type { CompiledCode } from '@wasmloom/runtime';
import './emit.js';

/**
 * Decodes `bytes` and validates every body as the parser reaches it; keeps the
 * bodies (copied once, `CodeBodies`) when `keep`. Throws the first WasmError.
 */
function validateModule(bytes: Uint8Array, features: Features, keep: boolean) {
  let frozen: ModuleEnv | null = null;
  let range: CodeSectionRange | null = null;
  let bodies: CodeBodiesBuilder | null = null;
  const { module, env } = parseModule(bytes, {
    features,
    keepBodies: false,
    onCodeSection(r) {
      range = r;
    },
    onEnv(e) {
      frozen = e;
      const r = range as CodeSectionRange | null;
      if (keep && r !== null)
        bodies = new CodeBodiesBuilder(e.numImportedFuncs, r.count, r.end - r.contentOffset);
    },
    onBody(body) {
      // onEnv always runs before the first body (the env freezes at the code section).
      validateFunction(frozen!, body.index, body);
      (bodies as CodeBodiesBuilder | null)?.add(body);
    },
  });
  return { module, env, bodies: bodies as CodeBodiesBuilder | null };
}

/**
 * Throws the first `WasmError` (malformed or invalid) with its byte offset.
 * Function bodies are read from `bytes` during the call only (they are copied).
 */
export function compileModuleBytes(bytes: Uint8Array, features: Features): CompiledCode {
  const { module, env, bodies } = validateModule(bytes, features, true);
  const count = module.functions.length;
  const code: CompiledCode = { module, env, sources: new Array(count) };
  if (count > 0) code.bodies = bodies!.finish();
  return code;
}

/**
 * `WebAssembly.validate`: decodes and validates without keeping anything
 * (the decoder with the null emitter: no JS text is made). Throws the first WasmError.
 */
export function validateModuleBytes(bytes: Uint8Array, features: Features): void {
  validateModule(bytes, features, false);
}
