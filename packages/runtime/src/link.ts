/**
 * Import resolution: the JS API's "read the imports" followed by the core
 * import matching, giving the internal objects an instance binds.
 *
 * Errors come in the spec's order: first every import is read (TypeError for a
 * missing import object or a non-object namespace, LinkError for a value of the
 * wrong kind, as each import is reached), then the values are matched against
 * the import types (LinkError for the first mismatch). Messages follow V8's
 * shape: `Import #3 "env" "memory": ...`; the public API adds its own prefix.
 */
import {
  type ExternalKind,
  F32,
  F64,
  type FuncType,
  I32,
  I64,
  IMPL_LIMITS,
  type Import,
  type Limits,
  type ModuleEnv,
  V128,
  type WasmModule,
} from '@wasmloom/binary';
import { globalOf } from './api/global.js';
import { memoryOf } from './api/memory.js';
import { tableOfObject } from './api/table.js';
import { tagOf, type WasmTag } from './api/tag.js';
import { LinkError } from './errors.js';
import { type FuncRecord, funcRecordOf, hostAdapter, newFuncRecord, toWasmValue } from './functions.js';
import { WasmGlobal } from './global.js';
import { push } from './intrinsics.js';
import type { WasmMemory } from './memory.js';
import { canonicalSig } from './signatures.js';
import type { WasmTable } from './table.js';

/** The internal objects an instance imports, each in its own index space. */
export interface ResolvedImports {
  funcs: FuncRecord[];
  tables: WasmTable[];
  memories: WasmMemory[];
  globals: WasmGlobal[];
  tags: WasmTag[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function where(i: number, imp: Import): string {
  return `Import #${i} "${imp.module}" "${imp.name}"`;
}

function linkError(i: number, imp: Import, reason: string): Error {
  return new LinkError(`${where(i, imp)}: ${reason}`);
}

/** Limits of an actual memory/table against an import's: size ≥ min, and max present and ≤ when required. */
function limitsMatch(size: number, max: number | null, want: Limits): string | null {
  if (size < want.min) return `size ${size} is smaller than the declared minimum ${want.min}`;
  if (want.max !== null) {
    if (max === null) return 'the imported object has no maximum but the import declares one';
    if (max > want.max) return `maximum ${max} is larger than the declared maximum ${want.max}`;
  }
  return null;
}

/**
 * Reads and checks the imports of `module` from `importObject`. Returns the
 * resolved internal objects; throws TypeError or LinkError as the JS API does.
 */
export function resolveImports(module: WasmModule, env: ModuleEnv, importObject: unknown): ResolvedImports {
  const imports = module.imports;
  if (importObject !== undefined && !isObject(importObject)) {
    throw new TypeError('Imports argument must be present and must be an object');
  }
  if (imports.length > 0 && importObject === undefined) {
    throw new TypeError('Imports argument must be present and must be an object');
  }
  const out: ResolvedImports = { funcs: [], tables: [], memories: [], globals: [], tags: [] };
  // Core matching errors are only reported after every import has been read.
  let mismatch: Error | null = null;
  const fail = (e: Error) => {
    mismatch ??= e;
  };

  imports.forEach((imp, i) => {
    const ns = (importObject as Record<string, unknown>)[imp.module];
    if (!isObject(ns)) throw new TypeError(`${where(i, imp)}: module is not an object or function`);
    const v = ns[imp.name];
    switch (imp.kind as ExternalKind) {
      case 0: {
        if (typeof v !== 'function') throw linkError(i, imp, 'function import requires a callable');
        const funcIndex = out.funcs.length;
        const type = env.types[env.funcs[funcIndex]] as FuncType;
        const sig = canonicalSig(type);
        const rec = funcRecordOf(v);
        if (rec !== undefined) {
          if (rec.sig !== sig) fail(linkError(i, imp, 'imported function does not match the expected type'));
          push(out.funcs, rec);
        } else {
          push(out.funcs, newFuncRecord(hostAdapter(v, sig), sig, funcIndex));
        }
        return;
      }
      case 1: {
        const table = tableOfObject(v);
        if (table === undefined) throw linkError(i, imp, 'table import requires a WebAssembly.Table');
        const want = (imp as { table: { refType: number; limits: Limits } }).table;
        if (table.refType !== want.refType)
          fail(linkError(i, imp, 'imported table does not match the expected type'));
        else {
          const why = limitsMatch(table.elements.length, table.maximum, want.limits);
          if (why !== null) fail(linkError(i, imp, `table import has ${why}`));
        }
        push(out.tables, table);
        return;
      }
      case 2: {
        const mem = memoryOf(v);
        if (mem === undefined) throw linkError(i, imp, 'memory import must be a WebAssembly.Memory object');
        const want = (imp as { memory: { limits: Limits } }).memory.limits;
        if (mem.shared !== want.shared) {
          fail(
            linkError(
              i,
              imp,
              want.shared ? 'mismatch in shared state of memory declaration' : 'imported memory is shared',
            ),
          );
        } else {
          const why = limitsMatch(mem.pages, mem.maximum, want);
          if (why !== null) fail(linkError(i, imp, `memory import has ${why}`));
        }
        push(out.memories, mem);
        return;
      }
      case 3: {
        const want = (imp as { global: { type: number; mutable: boolean } }).global;
        const g = globalOf(v);
        if (g !== undefined) {
          if (g.mutable !== want.mutable)
            fail(linkError(i, imp, 'imported global does not match the expected mutability'));
          else if (g.type !== want.type)
            fail(linkError(i, imp, 'imported global does not match the expected type'));
          push(out.globals, g);
          return;
        }
        const t = want.type;
        if (
          t === I64 ? typeof v !== 'bigint' : (t === I32 || t === F32 || t === F64) && typeof v !== 'number'
        ) {
          throw linkError(
            i,
            imp,
            'global import must be a number, valid Wasm reference, or WebAssembly.Global object',
          );
        }
        if (t === V128) throw linkError(i, imp, 'a v128 global cannot be imported from a JS value');
        let value: unknown;
        try {
          value = toWasmValue(v, t);
        } catch (e) {
          if (e instanceof TypeError) throw linkError(i, imp, e.message);
          throw e;
        }
        // A JS value makes a new immutable global; importing it as mutable fails in the matching.
        if (want.mutable)
          fail(linkError(i, imp, 'imported mutable global must be a WebAssembly.Global object'));
        const cell = new WasmGlobal(t, false);
        cell.setInternal(value);
        push(out.globals, cell);
        return;
      }
      case 4: {
        const tag = tagOf(v);
        if (tag === undefined) throw linkError(i, imp, 'tag import requires a WebAssembly.Tag');
        const want = env.types[env.tags[out.tags.length]] as FuncType;
        if (tag.sig !== canonicalSig({ params: want.params, results: [] }))
          fail(linkError(i, imp, 'imported tag does not match the expected type'));
        push(out.tags, tag);
        return;
      }
      default:
        throw linkError(i, imp, `unknown import kind ${imp.kind}`);
    }
  });
  // As V8: tables past the size limit fail after the imports are read, before they are matched.
  const tables = imports.flatMap((imp) => (imp.kind === 1 ? [imp.table] : [])).concat(module.tables);
  for (const t of tables) {
    if (t.limits.min > IMPL_LIMITS.tableSize) {
      throw new RangeError(
        `initial table size (${t.limits.min} elements) is larger than implementation limit (${IMPL_LIMITS.tableSize} elements)`,
      );
    }
  }
  if (mismatch !== null) throw mismatch;
  return out;
}
