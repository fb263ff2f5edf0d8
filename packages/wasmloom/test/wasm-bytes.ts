/** Hand assembly of tiny test modules (no text format at hand): @wasmloom/binary's writer, and a body helper. */
import { uleb } from '@wasmloom/binary';

export { section, sleb, str, uleb, vec, wasmModule as module } from '@wasmloom/binary';

/** A function body with no locals. */
export function body(...code: number[]): number[] {
  const b = [0, ...code];
  return [...uleb(b.length), ...b];
}
