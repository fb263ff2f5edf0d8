/**
 * The namespaces the runner can test: Node's native `WebAssembly` (a sanity
 * check of the runner) and wasmloom's.
 */
import { setFlagsFromString } from 'node:v8';
import type { FeatureSet, NamespaceProvider, WebAssemblyLike } from './namespace.js';
import { createWasmInvokeRaw } from './trampoline.js';
import { INVOKE_RAW } from './values.js';

export type EngineName = 'native' | 'wasmloom';

/**
 * V8 flags (Node 20) of the features that have one. Exceptions and threads are
 * always on in Node 20 and multi-memory is missing, so those cannot follow the group.
 */
const V8_FLAGS: ReadonlyArray<readonly [feature: string, flag: string]> = [
  ['tailCall', 'experimental-wasm-return-call'],
  ['extendedConst', 'experimental-wasm-extended-const'],
  ['memory64', 'experimental-wasm-memory64'],
  ['relaxedSimd', 'experimental-wasm-relaxed-simd'],
  ['functionReferences', 'experimental-wasm-typed-funcref'],
  ['gc', 'experimental-wasm-gc'],
];

/**
 * Node's own engine. V8 reads these flags on every compile, so switching them
 * per group works in-process — but they are process-wide, so groups must not
 * run concurrently (the pool runs one group at a time).
 */
export function nativeProvider(): NamespaceProvider {
  const native = globalThis.WebAssembly as unknown as WebAssemblyLike;
  // Exact results through a wasm trampoline: NaN payloads and v128 survive.
  const ns = Object.create(native, {
    [INVOKE_RAW]: { value: createWasmInvokeRaw(native) },
  }) as WebAssemblyLike;
  return (features: FeatureSet) => {
    for (const [feature, flag] of V8_FLAGS) setFlagsFromString(`--${features[feature] ? '' : 'no-'}${flag}`);
    return ns;
  };
}

interface WasmloomModule {
  createWebAssembly(options: { features: FeatureSet }): WebAssemblyLike;
}

/** wasmloom's namespace, one per feature set. Loaded from the built package (or sources under vitest). */
export function wasmloomProvider(): NamespaceProvider {
  let loaded: Promise<WasmloomModule> | undefined;
  return async (features: FeatureSet) => {
    loaded ??= import('wasmloom') as unknown as Promise<WasmloomModule>;
    const mod = await loaded;
    return mod.createWebAssembly({ features });
  };
}

export function providerFor(engine: EngineName): NamespaceProvider {
  return engine === 'native' ? nativeProvider() : wasmloomProvider();
}
