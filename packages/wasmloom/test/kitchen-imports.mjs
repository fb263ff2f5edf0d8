// The imports of the `kitchen` module (modules.ts) made with namespace W, `log`
// recording the calls of env.f. Plain JS: the worker scripts, which run outside
// vitest, share it with the API tests.

/**
 * @param {{ Memory: new (d: object) => object, Table: new (d: object) => object, Tag: new (d: object) => object }} W
 * @param {unknown[]} [log]
 */
export function kitchenImports(W, log = []) {
  return {
    env: {
      f: (...args) => {
        log.push(args);
      },
      g: 7,
      mem: new W.Memory({ initial: 1, maximum: 4 }),
      tbl: new W.Table({ element: 'anyfunc', initial: 2 }),
      tag: new W.Tag({ parameters: ['i32'] }),
    },
  };
}
