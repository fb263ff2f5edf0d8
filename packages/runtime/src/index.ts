export { Global, globalObject, globalOf } from './api/global.js';
export { Memory, memoryObject, memoryOf } from './api/memory.js';
export { Table, tableObject, tableOfObject } from './api/table.js';
export { Exception, Tag, tagObject, tagOf, WasmTag } from './api/tag.js';
export * as webidl from './api/webidl.js';
export {
  type CompiledCode,
  emitAllSources,
  missingSources,
  type SourceEmitter,
  setSourceEmitter,
  sourceOf,
} from './compiled-code.js';
export { evalConst } from './const-expr.js';
export { CompileError, LinkError, RuntimeError, type WasmErrorConstructor } from './errors.js';
export {
  exportFunction,
  type FuncRecord,
  funcRecordOf,
  hostAdapter,
  isExportedFunction,
  toJSValue,
  toWasmValue,
} from './functions.js';
export { newCell, WasmGlobal } from './global.js';
export * as helpers from './helpers.js';
export {
  buildFactorySource,
  EMIT_ALL_BELOW_BODY_BYTES,
  type InstanceRecord,
  instantiate,
  instantiateResolved,
} from './instance.js';
export { type ResolvedImports, resolveImports } from './link.js';
export { detachBuffer, MAX_PAGES, PAGE_SIZE, WasmMemory } from './memory.js';
export { invokeRaw, type RawValue } from './raw.js';
export { canonicalSig, sigType } from './signatures.js';
export { MAX_TABLE_SIZE, WasmTable } from './table.js';
export { bigHi, bigLo, pairToBigInt, toBigInt64 } from './values.js';
