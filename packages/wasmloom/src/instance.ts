/**
 * `WebAssembly.Instance`, shared by every namespace (a Module carries its own
 * features). The instance's state lives in the runtime; this object only
 * holds its exports object.
 */
import {
  type InstanceRecord,
  instantiate,
  instantiateResolved,
  resolveImports,
  webidl,
} from '@wasmloom/runtime';
import { moduleState } from './module.js';
import type { Exports } from './types.js';

const instanceExports = new WeakMap<object, Record<string, unknown>>();

export class Instance {
  /** Reads and links the imports, instantiates, runs the start function. */
  constructor(module: object, importObject?: object) {
    // biome-ignore lint/complexity/noArguments: Instance.length must stay 1 (Web IDL)
    webidl.requireArguments(arguments.length, 1, 'WebAssembly.Instance()');
    const { code } = moduleState(module, 'WebAssembly.Instance()');
    const imports = webidl.optionalObject(importObject, 'WebAssembly.Instance(): Argument 1');
    instanceExports.set(this, instantiate(code, imports).exports);
  }

  /** The frozen, null-prototype exports object: the same object every time. */
  get exports(): Exports {
    const exports = instanceExports.get(this);
    if (exports === undefined)
      throw new TypeError('get WebAssembly.Instance.exports: Receiver is not a WebAssembly.Instance');
    return exports as Exports;
  }
}
webidl.defineInterface(Instance, 'WebAssembly.Instance', 1);

/** An Instance object around an instance record made elsewhere (`instantiate`). */
export function wrapInstance(record: InstanceRecord): Instance {
  const instance = Object.create(Instance.prototype) as Instance;
  instanceExports.set(instance, record.exports);
  return instance;
}

/**
 * The JS API's "asynchronously instantiate": the imports are read now (their
 * getters run during the call, as in V8), the instance is made in a later
 * job. Every failure rejects the promise.
 */
export function instantiateAsync(module: object, importObject: unknown, context: string): Promise<Instance> {
  return new Promise<Parameters<typeof instantiateResolved>[1]>((resolve) => {
    const { code } = moduleState(module, context);
    resolve(resolveImports(code.module, code.env, importObject));
  }).then((resolved) => wrapInstance(instantiateResolved(moduleState(module, context).code, resolved)));
}
