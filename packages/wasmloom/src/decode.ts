/**
 * Decoding and module-level validation of a whole module held in memory: the
 * binary parser, then a decode check of every function body. Function bodies
 * are not type-checked yet: that is the compiler's single pass, which comes
 * with instantiation.
 */
import {
  checkBodyDecodes,
  type Features,
  type FunctionBody,
  type ModuleEnv,
  parseModule,
  type WasmModule,
} from '@wasmloom/binary';

export interface DecodedModule {
  module: WasmModule;
  env: ModuleEnv;
  bodies: FunctionBody[];
}

/** Throws the first `WasmError` (malformed or invalid), with its byte offset. */
export function decodeModule(bytes: Uint8Array, features: Features): DecodedModule {
  const { module, env, bodies } = parseModule(bytes, { features, keepBodies: true });
  for (const body of bodies) {
    const type = env.types[env.funcs[body.index]];
    const numParams = type && type.kind === 'func' ? type.params.length : 0;
    checkBodyDecodes(body.bytes, features, body.offset, body.index, numParams);
  }
  return { module, env, bodies };
}
