// polywasm (a devDependency of the benchmarks) ships no types; this is the part of
// its `WebAssembly`-like namespace the runtime benchmark uses.
declare module 'polywasm' {
  export const WebAssembly: {
    Module: new (bytes: BufferSource) => object;
    Instance: new (module: object, importObject?: object) => { exports: Record<string, unknown> };
  };
}
