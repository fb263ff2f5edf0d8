/**
 * `import 'wasmloom/polyfill'` installs wasmloom's namespace as
 * `globalThis.WebAssembly` where the engine has none (or where it is switched
 * off and the property is missing). It never replaces a native namespace
 * unless asked to: `installPolyfill({ force: true })`, or the environment
 * variable `WASMLOOM_POLYFILL=force` when this module is first loaded (handy
 * with `node --import wasmloom/polyfill`, which also reaches child processes
 * through NODE_OPTIONS).
 *
 * The property is defined like the built-in one: writable, configurable, not
 * enumerable.
 */
import { INVOKE_RAW, WebAssembly } from './index.js';
import type { WebAssemblyNamespace } from './types.js';

export interface InstallOptions {
  /** Replace an existing `globalThis.WebAssembly` (the native one included). */
  force?: boolean;
  /** The namespace to install; wasmloom's default one otherwise (see `createWebAssembly`). */
  namespace?: WebAssemblyNamespace;
}

/** True when `globalThis.WebAssembly` is wasmloom's (this copy's or one made by `createWebAssembly`). */
export function isInstalled(): boolean {
  const current = (globalThis as { WebAssembly?: unknown }).WebAssembly;
  // Every wasmloom namespace carries the (registered) INVOKE_RAW symbol.
  return typeof current === 'object' && current !== null && Object.hasOwn(current, INVOKE_RAW);
}

/**
 * Installs the namespace unless a `WebAssembly` global exists and `force` is
 * not set. Returns the namespace that `globalThis.WebAssembly` holds afterwards.
 */
export function installPolyfill(options: InstallOptions = {}): WebAssemblyNamespace {
  const g = globalThis as { WebAssembly?: unknown };
  const namespace = options.namespace ?? WebAssembly;
  if (g.WebAssembly !== undefined && !options.force) return g.WebAssembly as WebAssemblyNamespace;
  Object.defineProperty(globalThis, 'WebAssembly', {
    value: namespace,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return namespace;
}

function forcedByEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.WASMLOOM_POLYFILL === 'force';
}

installPolyfill({ force: forcedByEnvironment() });

export { WebAssembly };
