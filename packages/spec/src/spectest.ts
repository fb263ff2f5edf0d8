/** The `spectest` host module of the spec scripts (the reference interpreter's, in JS). */
import type { WebAssemblyLike } from './namespace.js';

const noop = () => {};

/**
 * The `spectest` host module the scripts import. Each item is created on first
 * use, so an engine without (say) shared memories only fails the scripts that
 * import that item. One instance per script: scripts mutate the table and memory.
 */
export function createSpectest(ns: WebAssemblyLike): Record<string, unknown> {
  const need = <K extends 'Global' | 'Table' | 'Memory'>(k: K): NonNullable<WebAssemblyLike[K]> => {
    const c = ns[k];
    if (!c) throw new TypeError(`the namespace has no WebAssembly.${k}`);
    return c as NonNullable<WebAssemblyLike[K]>;
  };
  const makers: Record<string, () => unknown> = {
    print: () => noop,
    print_i32: () => noop,
    print_i64: () => noop,
    print_f32: () => noop,
    print_f64: () => noop,
    print_i32_f32: () => noop,
    print_f64_f64: () => noop,
    global_i32: () => new (need('Global'))({ value: 'i32', mutable: false }, 666),
    global_i64: () => new (need('Global'))({ value: 'i64', mutable: false }, 666n),
    global_f32: () => new (need('Global'))({ value: 'f32', mutable: false }, 666.6),
    global_f64: () => new (need('Global'))({ value: 'f64', mutable: false }, 666.6),
    table: () => new (need('Table'))({ initial: 10, maximum: 20, element: 'anyfunc' }),
    // 3.0: a table with 64-bit addresses (the JS API's `address: 'i64'`).
    table64: () => new (need('Table'))({ initial: 10, maximum: 20, element: 'anyfunc', address: 'i64' }),
    memory: () => new (need('Memory'))({ initial: 1, maximum: 2 }),
    shared_memory: () => new (need('Memory'))({ initial: 1, maximum: 2, shared: true }),
  };
  const spectest: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(makers)) {
    let made = false;
    let value: unknown;
    Object.defineProperty(spectest, name, {
      enumerable: true,
      get() {
        if (!made) {
          value = make();
          made = true;
        }
        return value;
      },
    });
  }
  return spectest;
}
