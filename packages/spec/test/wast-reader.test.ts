import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WebAssemblyLike } from '../src/namespace.js';
import { nativeProvider } from '../src/providers.js';
import { runScript, type WastCommand } from '../src/run-script.js';
import { readSExprs, WastSyntaxError } from '../src/sexpr.js';
import { BASE_FEATURES, listSpec3, locateSpec3, SPEC3_FEATURES } from '../src/suite.js';
import { TextRejected } from '../src/text-rejected.js';
import { intBits, readWast } from '../src/wast-commands.js';
import { prepareWast, readWastFile } from '../src/wast-script.js';
import { desugarLegacyTry, encodeFloats, parseWat } from '../src/wat.js';

/** The commands without their line numbers. */
const commands = (src: string) => readWast(src).commands.map(({ line: _l, ...c }) => c);

describe('s-expressions', () => {
  it('decodes every string escape to bytes', () => {
    const [s] = readSExprs('"a\\t\\n\\r\\"\\\'\\\\\\00\\ff\\u{41}\\u{1F600}é"');
    expect(s.kind).toBe('string');
    const bytes = s.kind === 'string' ? [...s.bytes] : [];
    expect(bytes).toEqual([
      0x61, 9, 10, 13, 0x22, 0x27, 0x5c, 0, 0xff, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9,
    ]);
  });

  it('skips line comments and nested block comments, and counts lines', () => {
    const src = ';; a (line) comment\n(a (; outer (; inner ;) still ;) b) ;; end\n(; last\n;)\n(c)';
    const exprs = readSExprs(src);
    expect(exprs.map((e) => e.line)).toEqual([2, 5]);
    const first = exprs[0];
    expect(first.kind === 'list' && first.items.map((x) => (x.kind === 'atom' ? x.text : '?'))).toEqual([
      'a',
      'b',
    ]);
  });

  it('leaves annotations out but keeps a lone ";" and ")" inside strings', () => {
    const [e] = readSExprs('((@a x (y) ;) (@b) module ; ")")');
    expect(
      e.kind === 'list' && e.items.map((x) => (x.kind === 'string' ? 'str' : x.kind === 'atom' && x.text)),
    ).toEqual(['module', ';', 'str']);
  });

  it('says where the input is unbalanced', () => {
    expect(() => readSExprs('(module\n(func')).toThrow(WastSyntaxError);
    expect(() => readSExprs('(a) )')).toThrow(/line 1: unexpected "\)"/);
    expect(() => readSExprs('(; never closed')).toThrow(/unterminated block comment/);
    expect(() => readSExprs('"abc')).toThrow(/unterminated string/);
    expect(() => readSExprs('"\\q"')).toThrow(/unknown escape/);
  });
});

describe('commands of a .wast', () => {
  it('reads each command kind into the shapes wast2json writes', () => {
    const src = `
      (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
      (module binary "\\00asm" "\\01\\00\\00\\00")
      (module definition $D quote "(func)")
      (module instance $I $D)
      (register "m" $M)
      (invoke "f" (i32.const -1))
      (get $M "g")
      (assert_return (invoke $M "f" (i64.const 0xffff_ffff_ffff_ffff)) (i32.const 1))
      (assert_trap (invoke "f") "unreachable")
      (assert_trap (module (start 0)) "trap at start")
      (assert_exhaustion (invoke "f") "call stack exhausted")
      (assert_exception (invoke "f"))
      (assert_invalid (module (func (result i32))) "type mismatch")
      (assert_malformed (module quote "(func" ")") "unexpected token")
      (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
    `;
    const r = readWast(src);
    expect(commands(src)).toEqual([
      { type: 'module', name: '$M', filename: 'module.0', module_type: 'text' },
      { type: 'module', filename: 'module.1', module_type: 'binary' },
      { type: 'module_definition', name: '$D', filename: 'module.2', module_type: 'text', definition: true },
      { type: 'module_instance', name: '$I', module: '$D' },
      { type: 'register', as: 'm', name: '$M' },
      {
        type: 'action',
        action: { type: 'invoke', field: 'f', args: [{ type: 'i32', value: '4294967295' }] },
        expected: [],
      },
      { type: 'action', action: { type: 'get', module: '$M', field: 'g' }, expected: [] },
      {
        type: 'assert_return',
        action: {
          type: 'invoke',
          module: '$M',
          field: 'f',
          args: [{ type: 'i64', value: '18446744073709551615' }],
        },
        expected: [{ type: 'i32', value: '1' }],
      },
      { type: 'assert_trap', action: { type: 'invoke', field: 'f', args: [] }, text: 'unreachable' },
      { type: 'assert_uninstantiable', filename: 'module.3', module_type: 'text', text: 'trap at start' },
      {
        type: 'assert_exhaustion',
        action: { type: 'invoke', field: 'f', args: [] },
        text: 'call stack exhausted',
      },
      { type: 'assert_exception', action: { type: 'invoke', field: 'f', args: [] } },
      { type: 'assert_invalid', filename: 'module.4', module_type: 'text', text: 'type mismatch' },
      { type: 'assert_malformed', filename: 'module.5', module_type: 'text', text: 'unexpected token' },
      { type: 'assert_unlinkable', filename: 'module.6', module_type: 'text', text: 'unknown import' },
    ]);
    expect(r.commands.map((c) => c.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(r.sources.get('module.1')).toEqual({ bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0) });
    // Quoted text is the module's fields; the definition keyword is not the parser's.
    expect(r.sources.get('module.2')).toEqual({ text: '(module\n(func)\n)' });
    expect(r.sources.get('module.5')).toEqual({ text: '(module\n(func)\n)' });
  });

  it('gives inline modules to the parser without definition, comments or raw non-ASCII in strings', () => {
    const r = readWast('(module definition $M ;; note ‮\n (func (export "é‮")))');
    const text = (r.sources.get('module.0') as { text: string }).text;
    expect(text).not.toContain('definition');
    expect(text).not.toContain('note');
    expect(text).toContain('"\\u{e9}\\u{202e}"');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('reads a script of module fields as one inline module', () => {
    const r = readWast('(func) (memory 0) (func (export "f"))');
    expect(r.commands).toEqual([{ type: 'module', line: 1, filename: 'module.0', module_type: 'text' }]);
  });

  it('keeps NaN patterns, v128 lanes and either as the runner compares them', () => {
    const r = readWast(`
      (assert_return (invoke "f") (f32.const nan:canonical) (f64.const nan:arithmetic))
      (assert_return (invoke "v") (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 255))
      (assert_return (invoke "w") (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic))
      (assert_return (invoke "e") (either (i32.const 1) (v128.const i64x2 -1 0)))
    `);
    const [nan, ints, floats, either] = r.commands;
    expect(nan.expected).toEqual([
      { type: 'f32', value: 'nan:canonical' },
      { type: 'f64', value: 'nan:arithmetic' },
    ]);
    expect(ints.expected?.[0]).toEqual({
      type: 'v128',
      lane_type: 'i8',
      value: ['255', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '255'],
    });
    // Float lanes other than NaN patterns wait for the parser's exact encoding.
    expect(floats.expected?.[0].value).toEqual(['nan:canonical', '', '', 'nan:arithmetic']);
    expect(r.floats.map((f) => `${f.type} ${f.text}`)).toEqual(['f32 1', 'f32 -0']);
    expect(either.expected).toBeUndefined();
    expect(either.either).toEqual([
      { type: 'i32', value: '1' },
      { type: 'v128', lane_type: 'i64', value: ['18446744073709551615', '0'] },
    ]);
  });

  it('reads reference arguments and results', () => {
    const [c] = readWast(`(assert_return (invoke "r" (ref.null func) (ref.extern 7) (ref.host 2))
      (ref.null) (ref.null extern) (ref.extern 7) (ref.extern) (ref.func) (ref.host 2) (ref.i31))`).commands;
    expect(c.action?.args).toEqual([
      { type: 'funcref', value: 'null' },
      { type: 'externref', value: '7' },
      { type: 'anyref', value: '2' },
    ]);
    expect(c.expected).toEqual([
      { type: 'anyref', value: 'null' },
      { type: 'externref', value: 'null' },
      { type: 'externref', value: '7' },
      { type: 'externref' },
      { type: 'funcref' },
      { type: 'anyref', value: '2' },
      { type: 'i31ref' },
    ]);
  });

  it('marks what it cannot run with the reason, and goes on', () => {
    const r = readWast(`
      (assert_return (invoke "f") (i32.const 0x1_0000_0000))
      (assert_suspension (invoke "f") "suspended")
      (assert_return (invoke "f") (i32.const 1) (either (i32.const 1) (i32.const 2)))
      (invoke "f" (ref.func))
      (assert_return (invoke "f"))
    `);
    expect(r.commands.map((c) => c.notRun)).toEqual([
      'i32 literal 0x1_0000_0000 out of range',
      'command assert_suspension is not supported by the runner',
      'either among several results',
      'unknown argument ref.func',
      undefined,
    ]);
  });

  it('writes integer literals as the unsigned decimal of their bits', () => {
    expect(intBits('-0x8000_0000', 32)).toBe('2147483648');
    expect(intBits('+42', 64)).toBe('42');
    expect(intBits('-1', 64)).toBe('18446744073709551615');
    expect(() => intBits('-0x8000_0001', 32)).toThrow(/out of range/);
    expect(() => intBits('1__0', 32)).toThrow(/malformed/);
  });
});

describe('the text parser', () => {
  it('writes the folded legacy try flat, and leaves a malformed one to be rejected', () => {
    const flat = (t: string) => desugarLegacyTry(t).replace(/\s+/g, ' ').trim();
    expect(
      flat('(try $l (result i32) (do (i32.const 1)) (catch $e (i32.const 2)) (catch_all (i32.const 3)))'),
    ).toBe('try $l (result i32) (i32.const 1) catch $e (i32.const 2) catch_all (i32.const 3) end');
    expect(flat('(try (do (try (do) (delegate 0))) (catch_all))')).toBe('try try delegate 0 catch_all end');
    for (const malformed of [
      '(try (do) (catch_all) (catch_all))',
      '(try (catch_all))',
      '(try (do) (delegate 0) (catch_all))',
    ])
      expect(desugarLegacyTry(malformed)).toBe(malformed);
  });

  it('gives the folded legacy try the binary of the flat one', async () => {
    const folded = await parseWat(
      '(module (tag $e) (func (result i32) (try (result i32) (do (i32.const 1)) (catch $e (i32.const 2)))))',
    );
    const flat = await parseWat(
      '(module (tag $e) (func (result i32) try (result i32) i32.const 1 catch $e i32.const 2 end))',
    );
    expect(folded).toEqual(flat);
  });

  it('encodes float literals exactly (f32 rounding from the decimal, NaN payloads)', async () => {
    const bits = await encodeFloats([
      // Halfway between two f32s above 1, a hair more: rounds up (double rounding through f64 would not).
      { type: 'f32', text: '1.000000059604644775390625000000000001' },
      { type: 'f32', text: '-nan:0x200000' },
      { type: 'f64', text: '0x1.fffffffffffffp+1023' },
      { type: 'f32', text: '1.0.0' },
    ]);
    expect(bits.slice(0, 3)).toEqual([0x3f800001, 0xffa00000, 0x7fefffffffffffffn]);
    expect(bits[3]).toBeInstanceOf(TextRejected);
  });

  it('rejects malformed text with the parser message', async () => {
    await expect(parseWat('(module (func (i32.const 0x1_0000_0000)))')).rejects.toThrow(
      /constant out of range \(at offset \d+\)/,
    );
  });
});

describe('a .wast run end to end against native WebAssembly', () => {
  const src = `
    (module definition $D
      (global (export "g") (mut i32) (i32.const 7))
      (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
      (func (export "one") (result i32) (i32.const 1))
      (func (export "trap") (result i32) (unreachable)))
    (module instance $I $D)
    (register "I" $I)
    (get $I "g")
    (assert_return (get "g") (i32.const 7))
    (assert_return (invoke "nan") (f32.const nan:arithmetic))
    (assert_return (invoke "one") (either (i32.const 0) (i32.const 1)))
    (assert_return (invoke "one") (either (i32.const 2) (i32.const 3)))
    (assert_trap (invoke "trap") "unreachable")
    (module (import "I" "g" (global (mut i32))))
    (assert_malformed (module quote "(func (i32.const 0x1_0000_0000))") "constant out of range")
    (assert_malformed (module quote "(func (catch_all))") "unexpected token")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_malformed (module binary "\\00asm" "\\02\\00\\00\\00") "unknown binary version")
    (module (func (export "f") (param i32)) (func (export "z") (result i32) (i32.const 0x1_0000_0000)))
  `;

  it('counts every command and runs them through the JSON runner', async () => {
    const ns = (await nativeProvider()({ ...BASE_FEATURES })) as WebAssemblyLike;
    const prepared = await prepareWast(readWast(src));
    // The invoke of assert_trap knows its result type, as in wast2json's JSON.
    const trap = prepared.script.commands.find((c: WastCommand) => c.type === 'assert_trap');
    expect(trap?.expected).toEqual([{ type: 'i32' }]);
    const r = runScript(prepared.script, ns, { readModule: prepared.readModule });
    expect(r.failures.map((f) => `${f.line} ${f.reason}`)).toEqual([
      expect.stringMatching(
        /^13 none of 2 alternatives: expected 0x00000002, got 0x00000001 \| expected 0x00000003, got 0x00000001$/,
      ),
    ]);
    expect(r).toMatchObject({ passed: 12, failed: 1, notRun: 2, total: 15 });
    expect(Object.keys(r.notRunReasons)).toEqual([
      'the text parser accepts this text, malformed for the spec ("unexpected token")',
      expect.stringMatching(/^the text parser rejects the module: invalid i32 number: constant out of range/),
    ]);
  });

  it('makes a module the parser rejects unavailable to later commands', async () => {
    const prepared = await prepareWast(readWast('(module (func (i32.const 1.5)))\n(invoke "f")'));
    expect(() => prepared.readModule('module.0')).toThrow(TextRejected);
    const ns = (await nativeProvider()({ ...BASE_FEATURES })) as WebAssemblyLike;
    const r = runScript(prepared.script, ns, { readModule: prepared.readModule });
    expect(r).toMatchObject({ passed: 0, failed: 1, notRun: 1 });
    expect(r.failures[0].reason).toMatch(/module of line 1 is not available/);
  });
});

let spec3: string | undefined;
try {
  spec3 = locateSpec3();
} catch {}

describe.runIf(spec3 !== undefined)('real scripts of the 3.0 suite against native WebAssembly', () => {
  const provider = nativeProvider();
  // Node 20's V8 has SIMD, relaxed SIMD and the legacy exceptions, not 3.0's other encodings.
  for (const [file, group, notRun] of [
    ['wast/names.wast', 'top level', 0],
    ['wast/float_literals.wast', 'top level', 0],
    ['wast/simd/simd_lane.wast', 'simd', 0],
    ['wast/relaxed-simd/relaxed_min_max.wast', 'relaxed-simd', 0],
    ['legacy-exceptions/try_catch.wast', 'legacy-exceptions', 2],
  ] as const) {
    it(file, async () => {
      expect(listSpec3(spec3!).find((e) => e.file === file)?.group).toBe(group);
      const ns = await provider({ ...SPEC3_FEATURES, gc: false, functionReferences: false, memory64: false });
      const prepared = await prepareWast(readWastFile(join(spec3!, file)));
      const r = runScript(prepared.script, ns, { readModule: prepared.readModule });
      expect(r.failures).toEqual([]);
      expect(r.notRun).toBe(notRun);
      expect(r.passed).toBeGreaterThan(10);
    });
  }
  it('leaves the V8 flags at the 2.0 base afterwards', async () => {
    await provider({ ...BASE_FEATURES });
  });
});
