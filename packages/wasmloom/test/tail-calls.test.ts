/**
 * Tail calls keep the JS stack flat (a trampoline: runtime helpers.ts,
 * `tailCall`): a million mutually recursive `return_call`s and
 * `return_call_indirect`s, through the lazy factory (a new Module) and the
 * eager one (a deserialized Module holds every source), with native's results.
 */
import { describe, expect, it } from 'vitest';
import { createWebAssembly, deserializeModule, serializeModule } from '../src/index.js';
import { build, exp, funcType, I32, I64, kind, uleb, vec } from './modules.js';

const W = createWebAssembly({ workers: 0 });

/** A body with no locals. */
const code = (...ops: number[]) => {
  const content = [0, ...ops, 0x0b];
  return [...uleb(content.length), ...content];
};

// even(n) = n == 0 ? 1 : odd(n - 1); odd(n) = n == 0 ? 0 : even(n - 1), as tail calls,
// directly (functions 0, 1) and through table slots 0, 1 (functions 2, 3); i64 counters.
const isZero = [0x20, 0x00, 0x50]; // local.get 0; i64.eqz
const minusOne = [0x20, 0x00, 0x42, 0x01, 0x7d]; // local.get 0; i64.const 1; i64.sub
// Function 4, 210,000 nops, keeps the module tiered when instantiated (runtime
// `EMIT_ALL_BELOW_BODY_BYTES`): its functions come through the lazy factory.
const paddingContent = [0x00].concat(new Array(210_000).fill(0x01), [0x41, 0x00, 0x0b]);
const padding = uleb(paddingContent.length).concat(paddingContent);
const bytes = build({
  types: [funcType([I64], [I32])],
  funcs: [0, 0, 0, 0, 0],
  tables: [[0x70, 0x00, 2]],
  exports: [exp('even', kind.func, 0), exp('odd', kind.func, 1), exp('evenIndirect', kind.func, 2)],
  elems: [[0x00, 0x41, 0x00, 0x0b, ...vec([[2], [3]])]],
  codes: [
    code(...isZero, 0x04, I32, 0x41, 0x01, 0x05, ...minusOne, 0x12, 0x01, 0x0b),
    code(...isZero, 0x04, I32, 0x41, 0x00, 0x05, ...minusOne, 0x12, 0x00, 0x0b),
    // return_call_indirect (type 0) slot 1 / slot 0
    code(...isZero, 0x04, I32, 0x41, 0x01, 0x05, ...minusOne, 0x41, 0x01, 0x13, 0x00, 0x00, 0x0b),
    code(...isZero, 0x04, I32, 0x41, 0x00, 0x05, ...minusOne, 0x41, 0x00, 0x13, 0x00, 0x00, 0x0b),
    padding,
  ],
});

type Exports = Record<string, (n: bigint) => number>;

describe('tail calls', () => {
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const lazy = (new W.Instance(new W.Module(bytes), {}) as { exports: Exports }).exports;
  const eager = (
    new W.Instance(deserializeModule(serializeModule(new W.Module(bytes))), {}) as { exports: Exports }
  ).exports;

  for (const [name, exports] of [
    ['lazy factory', lazy],
    ['eager factory', eager],
  ] as const) {
    it(`runs a million mutually recursive tail calls, direct and indirect (${name})`, () => {
      for (const n of [0n, 1n, 10n, 1_000_000n, 1_000_001n]) {
        expect(exports.even(n)).toBe(native.even(n));
        expect(exports.odd(n)).toBe(native.odd(n));
        expect(exports.evenIndirect(n)).toBe(native.evenIndirect(n));
      }
      expect(exports.even(1_000_000n)).toBe(1);
      expect(exports.evenIndirect(1_000_001n)).toBe(0);
    });
  }
});
