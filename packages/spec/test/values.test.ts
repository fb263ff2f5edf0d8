import { describe, expect, it } from 'vitest';
import {
  f32Bits,
  f32BitsMatchNan,
  f32FromBits,
  f64Bits,
  f64BitsMatchNan,
  f64FromBits,
  HostRefs,
  matchJsValue,
  matchRawValue,
  matchV128,
  toJsArg,
  toRawArg,
  UnsupportedValue,
  v128Bytes,
} from '../src/values.js';

const refs = () => new HostRefs();

describe('argument parsing', () => {
  it('turns unsigned i32 bit strings into signed numbers', () => {
    expect(toJsArg({ type: 'i32', value: '0' }, refs())).toBe(0);
    expect(toJsArg({ type: 'i32', value: '4294967295' }, refs())).toBe(-1);
    expect(toJsArg({ type: 'i32', value: '2147483648' }, refs())).toBe(-2147483648);
    expect(toJsArg({ type: 'i32', value: '2147483647' }, refs())).toBe(2147483647);
  });

  it('turns unsigned i64 bit strings into signed BigInts', () => {
    expect(toJsArg({ type: 'i64', value: '18446744073709551615' }, refs())).toBe(-1n);
    expect(toJsArg({ type: 'i64', value: '9223372036854775808' }, refs())).toBe(-9223372036854775808n);
    expect(toJsArg({ type: 'i64', value: '42' }, refs())).toBe(42n);
  });

  it('builds floats from their bits', () => {
    expect(toJsArg({ type: 'f32', value: '1065353216' }, refs())).toBe(1);
    expect(Object.is(toJsArg({ type: 'f32', value: '2147483648' }, refs()), -0)).toBe(true);
    expect(toJsArg({ type: 'f64', value: '4607182418800017408' }, refs())).toBe(1);
    expect(toJsArg({ type: 'f64', value: '9218868437227405312' }, refs())).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(toJsArg({ type: 'f32', value: '2143289344' }, refs()))).toBe(true);
    expect(f32FromBits(0x3fc00000)).toBe(1.5);
    expect(f64FromBits(0x3ff8000000000000n)).toBe(1.5);
  });

  it('maps externref numbers to distinct, stable host objects', () => {
    const r = refs();
    const a = toJsArg({ type: 'externref', value: '1' }, r);
    expect(typeof a).toBe('object');
    expect(toJsArg({ type: 'externref', value: '1' }, r)).toBe(a);
    expect(toJsArg({ type: 'externref', value: '2' }, r)).not.toBe(a);
    expect(toJsArg({ type: 'externref', value: 'null' }, r)).toBeNull();
    expect(toJsArg({ type: 'funcref', value: 'null' }, r)).toBeNull();
  });

  it('refuses v128 through JS but encodes it raw, lane 0 first', () => {
    const v = { type: 'v128', lane_type: 'i16', value: ['1', '65535', '0', '0', '0', '0', '0', '32768'] };
    expect(() => toJsArg(v, refs())).toThrow(UnsupportedValue);
    const bytes = v128Bytes(v);
    expect(Array.from(bytes.slice(0, 4))).toEqual([1, 0, 0xff, 0xff]);
    expect(Array.from(bytes.slice(14))).toEqual([0, 0x80]);
    expect(toRawArg(v, refs()).bytes).toEqual(bytes);
  });

  it('keeps exact bits in raw arguments', () => {
    expect(toRawArg({ type: 'f32', value: '2141192192' }, refs())).toEqual({ type: 'f32', bits: 0x7fa00000 });
    expect(toRawArg({ type: 'i64', value: '18446744073709551615' }, refs())).toEqual({
      type: 'i64',
      bits: 0xffffffffffffffffn,
    });
  });
});

describe('comparison through JS', () => {
  it('compares integers exactly, with the right JS type', () => {
    expect(matchJsValue({ type: 'i32', value: '4294967295' }, -1, refs())).toBeNull();
    expect(matchJsValue({ type: 'i32', value: '1' }, 2, refs())).toMatch(/expected 1, got 2/);
    expect(matchJsValue({ type: 'i32', value: '1' }, 1n, refs())).not.toBeNull();
    expect(matchJsValue({ type: 'i32', value: '1' }, 1.5, refs())).not.toBeNull();
    expect(matchJsValue({ type: 'i64', value: '18446744073709551615' }, -1n, refs())).toBeNull();
    expect(matchJsValue({ type: 'i64', value: '1' }, 1, refs())).not.toBeNull();
  });

  it('compares floats bit for bit, so -0 differs from 0', () => {
    expect(matchJsValue({ type: 'f32', value: '2147483648' }, -0, refs())).toBeNull();
    expect(matchJsValue({ type: 'f32', value: '0' }, -0, refs())).not.toBeNull();
    expect(matchJsValue({ type: 'f64', value: '9223372036854775808' }, 0, refs())).not.toBeNull();
    // f32 results arrive as doubles; they are rounded to f32 before taking bits.
    expect(matchJsValue({ type: 'f32', value: String(f32Bits(0.1)) }, Math.fround(0.1), refs())).toBeNull();
    expect(f64Bits(1)).toBe(0x3ff0000000000000n);
  });

  it('treats nan:canonical and nan:arithmetic as "is a NaN" through JS', () => {
    expect(matchJsValue({ type: 'f32', value: 'nan:canonical' }, Number.NaN, refs())).toBeNull();
    expect(matchJsValue({ type: 'f64', value: 'nan:arithmetic' }, Number.NaN, refs())).toBeNull();
    expect(matchJsValue({ type: 'f64', value: 'nan:arithmetic' }, 1, refs())).not.toBeNull();
  });

  it('compares exact NaN payloads when the expectation is a specific NaN', () => {
    const payload = f64FromBits(0x7ff8000000000123n);
    expect(matchJsValue({ type: 'f64', value: String(0x7ff8000000000123n) }, payload, refs())).toBeNull();
    expect(matchJsValue({ type: 'f64', value: String(0x7ff8000000000124n) }, payload, refs())).not.toBeNull();
  });

  it('compares references by identity', () => {
    const r = refs();
    const one = r.get('1');
    expect(matchJsValue({ type: 'externref', value: '1' }, one, r)).toBeNull();
    expect(matchJsValue({ type: 'externref', value: '2' }, one, r)).not.toBeNull();
    expect(matchJsValue({ type: 'externref', value: 'null' }, null, r)).toBeNull();
    expect(matchJsValue({ type: 'funcref', value: 'null' }, () => {}, r)).not.toBeNull();
    expect(matchJsValue({ type: 'funcref' }, () => {}, r)).toBeNull();
    expect(matchJsValue({ type: 'funcref' }, null, r)).not.toBeNull();
  });

  it('cannot check v128 through JS', () => {
    expect(matchJsValue({ type: 'v128', lane_type: 'i32', value: ['0', '0', '0', '0'] }, 0, refs())).toMatch(
      /v128/,
    );
  });
});

describe('NaN classes on bits', () => {
  it('tells canonical from arithmetic NaNs', () => {
    expect(f32BitsMatchNan(0x7fc00000, 'nan:canonical')).toBe(true);
    expect(f32BitsMatchNan(0xffc00000, 'nan:canonical')).toBe(true);
    expect(f32BitsMatchNan(0x7fc00001, 'nan:canonical')).toBe(false);
    expect(f32BitsMatchNan(0x7fc00001, 'nan:arithmetic')).toBe(true);
    expect(f32BitsMatchNan(0x7fa00000, 'nan:arithmetic')).toBe(false); // signalling
    expect(f32BitsMatchNan(0x7f800000, 'nan:arithmetic')).toBe(false); // infinity
    expect(f64BitsMatchNan(0x7ff8000000000000n, 'nan:canonical')).toBe(true);
    expect(f64BitsMatchNan(0xfff8000000000001n, 'nan:arithmetic')).toBe(true);
    expect(f64BitsMatchNan(0x7ff4000000000000n, 'nan:arithmetic')).toBe(false);
  });
});

describe('comparison of raw values', () => {
  it('distinguishes canonical from arithmetic NaNs and checks exact payloads', () => {
    const r = refs();
    expect(
      matchRawValue({ type: 'f32', value: 'nan:canonical' }, { type: 'f32', bits: 0x7fc00000 }, r),
    ).toBeNull();
    expect(
      matchRawValue({ type: 'f32', value: 'nan:canonical' }, { type: 'f32', bits: 0x7fc00001 }, r),
    ).not.toBeNull();
    expect(
      matchRawValue({ type: 'f32', value: String(0x7fa00000) }, { type: 'f32', bits: 0x7fa00000 }, r),
    ).toBeNull();
    expect(
      matchRawValue({ type: 'f32', value: String(0x7fa00000) }, { type: 'f32', bits: 0x7fe00000 }, r),
    ).toMatch(/0x7fa00000/);
    expect(
      matchRawValue(
        { type: 'i64', value: '18446744073709551615' },
        { type: 'i64', bits: 0xffffffffffffffffn },
        r,
      ),
    ).toBeNull();
    expect(matchRawValue({ type: 'i32', value: '1' }, { type: 'f32', bits: 1 }, r)).toMatch(/expected a i32/);
  });

  it('compares v128 lane by lane, NaN patterns per lane', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x7fc00000, true);
    view.setUint32(4, 0x7fc00001, true);
    view.setFloat32(8, 1, true);
    view.setFloat32(12, -0, true);
    const exp = (lanes: string[]) => ({ type: 'v128', lane_type: 'f32', value: lanes });
    expect(matchV128(exp(['nan:canonical', 'nan:arithmetic', '1065353216', '2147483648']), bytes)).toBeNull();
    expect(matchV128(exp(['nan:canonical', 'nan:canonical', '1065353216', '2147483648']), bytes)).toMatch(
      /lanes 1 differ/,
    );
    const ints = {
      type: 'v128',
      lane_type: 'i8',
      value: Array.from({ length: 16 }, (_, i) => String(bytes[i])),
    };
    expect(matchV128(ints, bytes)).toBeNull();
  });
});
