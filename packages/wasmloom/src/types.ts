/**
 * Public types of the namespace, shaped like TypeScript's lib.dom
 * `WebAssembly` declarations so that wasmloom's namespace is assignable to
 * `typeof globalThis.WebAssembly` (checked by test/types.test.ts), and
 * self-contained so that they compile without the DOM library.
 *
 * Where lib.dom is behind the JS API the types follow lib.dom: at run time
 * `Module.exports`/`imports` also report `kind: 'tag'` and `Instance.exports`
 * may hold `WebAssembly.Tag` objects, as with the native engine.
 */
import type { Features } from '@wasmloom/binary';
import type {
  CompileError,
  Exception,
  Global,
  LinkError,
  Memory,
  RuntimeError,
  Table,
  Tag,
} from '@wasmloom/runtime';

/** What `validate`, `compile`, `Module` and `instantiate` take: an ArrayBuffer or a view of one. */
export type BufferSourceLike = ArrayBufferView | ArrayBuffer;

export type ImportExportKind = 'function' | 'global' | 'memory' | 'table';
export type TableKind = 'anyfunc' | 'externref';

export interface ValueTypeMap {
  // biome-ignore lint/complexity/noBannedTypes: lib.dom's type
  anyfunc: Function;
  // biome-ignore lint/suspicious/noExplicitAny: lib.dom's type
  externref: any;
  f32: number;
  f64: number;
  i32: number;
  i64: bigint;
  v128: never;
}
export type ValueType = keyof ValueTypeMap;

export interface GlobalDescriptor<T extends ValueType = ValueType> {
  mutable?: boolean;
  value: T;
}
export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}
export interface TableDescriptor {
  element: TableKind;
  initial: number;
  maximum?: number;
}
export interface TagType {
  parameters: ValueType[];
}
export interface ExceptionOptions {
  traceStack?: boolean;
}

export interface ModuleExportDescriptor {
  kind: ImportExportKind;
  name: string;
}
export interface ModuleImportDescriptor {
  kind: ImportExportKind;
  module: string;
  name: string;
}

// biome-ignore lint/complexity/noBannedTypes: lib.dom's type
export type ExportValue = Function | Global | Memory | Table;
export type Exports = Record<string, ExportValue>;
export type ImportValue = ExportValue | Tag | number | bigint;
export type ModuleImports = Record<string, ImportValue>;
export type Imports = Record<string, ModuleImports>;

/** A compiled module (`WebAssembly.Module`). */
// biome-ignore lint/suspicious/noEmptyInterface: opaque, as in lib.dom
export interface Module {}

export interface ModuleConstructor {
  readonly prototype: Module;
  new (bytes: BufferSourceLike): Module;
  customSections(moduleObject: Module, sectionName: string): ArrayBuffer[];
  exports(moduleObject: Module): ModuleExportDescriptor[];
  imports(moduleObject: Module): ModuleImportDescriptor[];
}

/** An instance (`WebAssembly.Instance`): its frozen, null-prototype exports object. */
export interface Instance {
  readonly exports: Exports;
}

export interface InstanceConstructor {
  readonly prototype: Instance;
  new (module: Module, importObject?: Imports): Instance;
}

export interface WebAssemblyInstantiatedSource {
  instance: Instance;
  module: Module;
}

/** What `compileStreaming` and `instantiateStreaming` take. */
export type ResponseSource = Response | PromiseLike<Response>;

export interface ErrorConstructorLike<T extends Error> {
  readonly prototype: T;
  new (message?: string, options?: ErrorOptions): T;
  (message?: string, options?: ErrorOptions): T;
}

/** The `WebAssembly` namespace as wasmloom implements it. */
export interface WebAssemblyNamespace {
  compile(bytes: BufferSourceLike): Promise<Module>;
  validate(bytes: BufferSourceLike): boolean;
  instantiate(bytes: BufferSourceLike, importObject?: Imports): Promise<WebAssemblyInstantiatedSource>;
  instantiate(moduleObject: Module, importObject?: Imports): Promise<Instance>;
  compileStreaming(source: ResponseSource): Promise<Module>;
  instantiateStreaming(
    source: ResponseSource,
    importObject?: Imports,
  ): Promise<WebAssemblyInstantiatedSource>;
  Module: ModuleConstructor;
  Instance: InstanceConstructor;
  Table: typeof Table;
  Memory: typeof Memory;
  Global: typeof Global;
  /** Constructible and usable from JS; wasm code cannot throw or catch yet (no exception-handling codegen). */
  Tag: typeof Tag;
  /** See `Tag`. */
  Exception: typeof Exception;
  CompileError: ErrorConstructorLike<CompileError>;
  LinkError: ErrorConstructorLike<LinkError>;
  RuntimeError: ErrorConstructorLike<RuntimeError>;
  /** The features this namespace compiles with (not in the standard namespace). */
  readonly features: Readonly<Features>;
}

/** `createWebAssembly`'s options: features, compile threads, progress (options.ts). */
export type { WebAssemblyOptions } from './options.js';
