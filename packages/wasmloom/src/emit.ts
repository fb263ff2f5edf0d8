/**
 * Tiered loading's second tier: a module's function sources are emitted from
 * its kept bodies after the module exists — on the calling thread when a
 * function is first called (the runtime's lazy factory asks `sourceOf`), in
 * the background on the pool, or all at once before a module is serialized.
 * Emission is deterministic, so every path gives the same text. Importing
 * this file registers the emitter with the runtime.
 */
import { bodyAt } from '@wasmloom/binary';
import { compileFunction } from '@wasmloom/compiler';
import { type CompiledCode, missingSources, setSourceEmitter, sourceOf } from '@wasmloom/runtime';

/** Function sources emitted on this thread, and received from the pool's background emission. */
export const emitCounters = { here: 0, fromPool: 0 };

/** Function j's source, emitted from its body (the module's bodies are valid: this does not throw). */
export function emitSource(code: CompiledCode, j: number): string {
  const bodies = code.bodies!;
  emitCounters.here++;
  return compileFunction(code.env, bodies.firstIndex + j, bodyAt(bodies, j));
}

setSourceEmitter(emitSource);

/** Every missing source emitted now (`serializeModule`, tests); the runtime's, which also lets the bodies go. */
export { emitAllSources as emitAll } from '@wasmloom/runtime';

/** After sources arrived from elsewhere (the pool): the bodies go once no source is missing. */
export function dropBodiesIfDone(code: CompiledCode): void {
  if (code.bodies && missingSources(code) === 0) code.bodies = null;
}
