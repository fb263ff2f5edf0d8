/**
 * Canonical signature ids (abi.ts `SIG{t}` and `FuncRef.sig`): one small integer
 * per function type structure, process-wide (per copy of this module), so equal
 * types from different modules compare equal with `===`. `call_indirect`,
 * `call_ref`, import checks and the JS boundary all use these ids.
 *
 * Types naming concrete heap types (function-references / GC) are keyed by the
 * module-relative type index, which is not canonical across modules; those
 * proposals are off by default and will need iso-recursive canonicalization.
 */
import type { FuncType, TypeDef } from '@wasmloom/binary';
import { push } from './intrinsics.js';

const ids = new Map<string, number>();
const types: FuncType[] = [];

function keyOf(t: { params: readonly number[]; results: readonly number[] }): string {
  return `${t.params.join(',')}>${t.results.join(',')}`;
}

/** The canonical id of a function type, registering it on first sight. */
export function canonicalSig(t: { params: readonly number[]; results: readonly number[] }): number {
  const key = keyOf(t);
  let id = ids.get(key);
  if (id === undefined) {
    id = types.length;
    push(types, { kind: 'func', params: t.params.slice(), results: t.results.slice() });
    ids.set(key, id);
  }
  return id;
}

/** The function type of a canonical id. */
export function sigType(id: number): FuncType {
  return types[id];
}

/** Canonical ids of a module's type section; -1 for non-function types. */
export function canonicalSigs(defs: readonly TypeDef[]): number[] {
  return defs.map((d) => (d.kind === 'func' ? canonicalSig(d) : -1));
}
