/**
 * Smallest reproduction of the esbuild-wasm failure (see test/realworld.test.ts,
 * knownIssues): one function with N nested `block`s entered through a
 * `br_table` over all of them — the dispatch Go emits for resumable functions
 * (esbuild.wasm 0.28.2 functions 3855, 4445, 4488, 4970, 4986 nest 2,100 to
 * 2,300 blocks). Native runs every N; wasmloom's emitted JS nests N labelled
 * blocks and V8's parser runs out of stack (RangeError at instantiation) from
 * about N = 2,000.
 *
 *   node packages/realworld/repro/deep-nesting.mjs     (after npx tsc -b packages/wasmloom)
 */
import { WebAssembly as Loom } from 'wasmloom';

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 127;
    n >>>= 7;
    if (n) b |= 128;
    out.push(b);
  } while (n);
  return out;
};
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];

/** (func (export "f") (param i32)  block × n  (br_table 0 … n-1 (local.get 0))  end; i32.const k; drop  × n) */
export function deeplyNested(n) {
  const code = [0];
  for (let i = 0; i < n; i++) code.push(0x02, 0x40);
  code.push(0x20, 0, 0x0e, ...uleb(n), ...Array.from({ length: n }, (_, i) => uleb(i)).flat(), ...uleb(0));
  for (let i = 0; i < n; i++) code.push(0x0b, 0x41, i & 63, 0x1a);
  code.push(0x0b);
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 1, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(7, [1, 1, 0x66, 0, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of [1000, 1500, 2000, 3000]) {
    const bytes = deeplyNested(n);
    const results = [WebAssembly, Loom].map((W) => {
      try {
        new W.Instance(new W.Module(bytes)).exports.f(n >> 1);
        return 'ok';
      } catch (e) {
        return `${e.constructor.name}: ${e.message}`;
      }
    });
    console.log(`${n} nested blocks (${bytes.length} bytes): native ${results[0]} | wasmloom ${results[1]}`);
  }
}
