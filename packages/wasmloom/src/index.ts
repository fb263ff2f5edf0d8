/**
 * wasmloom: the WebAssembly JS API in TypeScript.
 *
 *   import { WebAssembly } from 'wasmloom';          // default features
 *   import { createWebAssembly } from 'wasmloom';    // a namespace with chosen features
 */
import { createWebAssembly } from './namespace.js';

export type { FeatureName, Features } from '@wasmloom/binary';
export { DEFAULT_FEATURES } from '@wasmloom/binary';
export { CompileError, Global, LinkError, Memory, RuntimeError, Table } from '@wasmloom/runtime';
export type { ImportExportKind, ModuleExportDescriptor, ModuleImportDescriptor } from './module.js';
export {
  createWebAssembly,
  INVOKE_RAW,
  type WebAssemblyNamespace,
  type WebAssemblyOptions,
} from './namespace.js';

/** The namespace with the default features. */
export const WebAssembly = createWebAssembly();
