/**
 * What instantiation needs of a compiled module (`CompiledCode`, plain data,
 * structured-cloneable) and where the function sources it does not have yet
 * come from: the `wasmloom` package registers the compiler's emission here
 * (`setSourceEmitter`), so the runtime never imports the compiler.
 */
import type { CodeBodies, ModuleEnv, WasmModule } from '@wasmloom/binary';

export interface CompiledCode {
  module: WasmModule;
  env: ModuleEnv;
  /**
   * `sources[j]` defines `function f{env.numImportedFuncs + j}(...)`, the
   * compiler's output; undefined where it has not been emitted yet (tiered
   * loading), and then `bodies` holds the body to emit it from.
   */
  sources: (string | undefined)[];
  /** The function bodies, while some source is missing; null (or absent) once all are there. */
  bodies?: CodeBodies | null;
  /** `buildFactorySource(module, env, sources)`, when already built (it is cached otherwise). */
  factorySource?: string;
}

/** Emits function j's source of `code` from its body (the same text the pool would give). */
export type SourceEmitter = (code: CompiledCode, j: number) => string;

let emitter: SourceEmitter | null = null;

/** Where missing sources come from (wasmloom sets the compiler's emission once, at load). */
export function setSourceEmitter(emit: SourceEmitter): void {
  emitter = emit;
}

/** Function j's source, emitted now if it is missing (and kept). */
export function sourceOf(code: CompiledCode, j: number): string {
  const made = code.sources[j];
  if (made !== undefined) return made;
  if (emitter === null || !code.bodies)
    throw new Error(`wasmloom: no source for function ${j} and no way to emit it`);
  const source = emitter(code, j);
  // Emitted elsewhere meanwhile (the pool): the same text; keep the first.
  code.sources[j] ??= source;
  return source;
}

/** Every missing source emitted now; the bodies are then let go. */
export function emitAllSources(code: CompiledCode): void {
  for (let j = 0; j < code.sources.length; j++) sourceOf(code, j);
  code.bodies = null;
}

/** How many sources are still missing. */
export function missingSources(code: CompiledCode): number {
  let n = 0;
  const { sources } = code;
  for (let j = 0; j < sources.length; j++) if (sources[j] === undefined) n++;
  return n;
}
