import { F32, F64, I32, I64 } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../src/instance.js';
import { invokeRaw } from '../src/raw.js';
import { build, exp } from './module.js';

describe('invokeRaw', () => {
  const { exports } = instantiate(
    build({
      types: [
        { params: [F32], results: [F32] },
        { params: [F64], results: [F64] },
        { params: [I32, I64, F64], results: [F64, I64, I32] },
      ],
      funcs: [
        { type: 0, src: 'function f0(p0) { return p0; }' },
        { type: 1, src: 'function f1(p0) { return p0; }' },
        { type: 2, src: 'function f2(a, bl, bh, c) { RV[0] = c; RV[1] = bl; RV[2] = bh; RV[3] = a; }' },
      ],
      exports: [exp('id32', 0, 0), exp('id64', 0, 1), exp('rot', 0, 2)],
    }),
  );

  it('keeps signalling NaN payloads that a JS Number argument would lose', () => {
    expect(invokeRaw(exports.id32, [{ type: 'f32', bits: 0x7fa00000 }])).toEqual([
      { type: 'f32', bits: 0x7fa00000 },
    ]);
    expect(invokeRaw(exports.id32, [{ type: 'f32', bits: 0xff80f1e2 }])).toEqual([
      { type: 'f32', bits: 0xff80f1e2 },
    ]);
    expect(invokeRaw(exports.id64, [{ type: 'f64', bits: 0x7ff0000000020304n }])).toEqual([
      { type: 'f64', bits: 0x7ff0000000020304n },
    ]);
  });

  it('multi-value results, i64 as unsigned bits', () => {
    const out = invokeRaw(exports.rot, [
      { type: 'i32', bits: 0xffffffff },
      { type: 'i64', bits: 0xfffffffffffffffen },
      { type: 'f64', bits: 0x3ff0000000000000n },
    ]);
    expect(out).toEqual([
      { type: 'f64', bits: 0x3ff0000000000000n },
      { type: 'i64', bits: 0xfffffffffffffffen },
      { type: 'i32', bits: 0xffffffff },
    ]);
    expect(() => invokeRaw(() => 1, [])).toThrow(TypeError);
  });
});
