/**
 * wasmloom: the WebAssembly JS API in TypeScript, translating wasm to JS.
 *
 *   import { WebAssembly } from 'wasmloom';          // default features
 *   import { createWebAssembly } from 'wasmloom';    // a namespace with chosen features
 *   import 'wasmloom/polyfill';                       // globalThis.WebAssembly where it is missing
 */
import { setDefaultModuleClass } from './module.js';
import { createWebAssembly } from './namespace.js';

export type { FeatureName, Features } from '@wasmloom/binary';
export { DEFAULT_FEATURES } from '@wasmloom/binary';
export {
  CompileError,
  Exception,
  Global,
  LinkError,
  Memory,
  RuntimeError,
  Table,
  Tag,
} from '@wasmloom/runtime';
export { Instance } from './instance.js';
export {
  type CompileStreamingOptions,
  compileStreaming,
  createWebAssembly,
  INVOKE_RAW,
} from './namespace.js';
export type { CompileProgress } from './options.js';
export { deserializeModule, serializeModule } from './serialize.js';
export { adoptModule, isWasmloomModule, type ModuleStats, moduleStats } from './share.js';
export { type CompileChunksOptions, compileChunks } from './streaming.js';
export type {
  BufferSourceLike,
  ExceptionOptions,
  Exports,
  ExportValue,
  GlobalDescriptor,
  ImportExportKind,
  Imports,
  ImportValue,
  MemoryDescriptor,
  Module,
  ModuleConstructor,
  ModuleExportDescriptor,
  ModuleImportDescriptor,
  ModuleImports,
  ResponseSource,
  TableDescriptor,
  TableKind,
  TagType,
  ValueType,
  ValueTypeMap,
  WebAssemblyInstantiatedSource,
  WebAssemblyNamespace,
  WebAssemblyOptions,
} from './types.js';
export { VERSION } from './version.js';

/** The namespace with the default features. */
export const WebAssembly = createWebAssembly();
// What `deserializeModule` and `adoptModule` make by default: modules of this namespace.
setDefaultModuleClass(WebAssembly.Module);
