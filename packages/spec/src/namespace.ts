/**
 * The part of the standard `WebAssembly` namespace the runner uses. Node's
 * native `WebAssembly` and wasmloom's namespace both fit it; members an engine
 * does not have yet are optional, and commands that need them fail.
 */

type Ctor<A extends unknown[] = unknown[]> = new (...args: A) => object;
type ErrorCtor = abstract new (...args: never[]) => Error;

export interface ModuleExportDescriptor {
  name: string;
  kind: string;
}
export interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: string;
}

/** What `validate` and `Module` take (BufferSource, over any buffer kind). */
export type Bytes = ArrayBufferView | ArrayBufferLike;

export interface WebAssemblyLike {
  validate(bytes: Bytes): boolean;
  Module: Ctor<[Bytes]> & {
    imports(module: object): ModuleImportDescriptor[];
    exports(module: object): ModuleExportDescriptor[];
    customSections?(module: object, name: string): ArrayBuffer[];
  };
  Instance: Ctor<[object, object?]>;
  CompileError: ErrorCtor;
  LinkError: ErrorCtor;
  RuntimeError: ErrorCtor;
  Exception?: abstract new (...args: never[]) => object;
  Memory?: Ctor<[{ initial: number; maximum?: number; shared?: boolean }]>;
  Table?: Ctor<[{ initial: number; maximum?: number; element: string; address?: 'i32' | 'i64' }]>;
  Global?: Ctor<[{ value: string; mutable?: boolean }, unknown]>;
}

/** Feature switches, by the names of `@wasmloom/binary`'s `Features`. */
export type FeatureSet = Record<string, boolean>;

/**
 * Makes the namespace a group of scripts runs against, given the features the
 * group needs (a complete set: every known feature is named, on or off).
 */
export type NamespaceProvider = (features: FeatureSet) => WebAssemblyLike | Promise<WebAssemblyLike>;
