import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { body, module, section, str, vec } from '../../wasmloom/test/wasm-bytes.js';
import type { WebAssemblyLike } from '../src/namespace.js';
import { nativeProvider } from '../src/providers.js';
import { runScript, type WastCommand, type WastScript } from '../src/run-script.js';
import {
  BASE_FEATURES,
  featuresForGroup,
  locateTestsuite,
  readManifest,
  scriptJsonPath,
} from '../src/suite.js';
import { readScript } from '../src/task.js';
import { createWasmInvokeRaw } from '../src/trampoline.js';
import { INVOKE_RAW } from '../src/values.js';

const native = globalThis.WebAssembly as unknown as WebAssemblyLike;

// (func (export "add") (param i32 i32) (result i32)) (func (export "trap")) (func (export "f32id") (param f32) (result f32))
// (func (export "swap") (param i64 f64) (result f64 i64)) (func (export "loop") (call self)) (global (export "g") i32 7)
const mainModule = module(
  section(
    1,
    vec([
      [0x60, 2, 0x7f, 0x7f, 1, 0x7f],
      [0x60, 0, 0],
      [0x60, 1, 0x7d, 1, 0x7d],
      [0x60, 2, 0x7e, 0x7c, 2, 0x7c, 0x7e],
    ]),
  ),
  section(3, vec([[0], [1], [2], [3], [1]])),
  section(6, vec([[0x7f, 0, 0x41, 7, 0x0b]])),
  section(
    7,
    vec([
      [...str('add'), 0, 0],
      [...str('trap'), 0, 1],
      [...str('f32id'), 0, 2],
      [...str('swap'), 0, 3],
      [...str('loop'), 0, 4],
      [...str('g'), 3, 0],
    ]),
  ),
  section(
    10,
    vec([
      body(0x20, 0, 0x20, 1, 0x6a, 0x0b),
      body(0x00, 0x0b),
      body(0x20, 0, 0x0b),
      body(0x20, 1, 0x20, 0, 0x0b),
      body(0x10, 4, 0x0b),
    ]),
  ),
);
/** (func (result i32)) with an empty body: a type mismatch. */
const invalidModule = module(
  section(1, vec([[0x60, 0, 1, 0x7f]])),
  section(3, vec([[0]])),
  section(10, vec([body(0x0b)])),
);
const badVersion = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]);
/** (import "spectest" "nothing" (func)) */
const unlinkable = module(
  section(1, vec([[0x60, 0, 0]])),
  section(2, vec([[...str('spectest'), ...str('nothing'), 0, 0]])),
);
/** (import "M" "add" (func (param i32 i32) (result i32))) re-exported as "add2" */
const importsM = module(
  section(1, vec([[0x60, 2, 0x7f, 0x7f, 1, 0x7f]])),
  section(2, vec([[...str('M'), ...str('add'), 0, 0]])),
  section(7, vec([[...str('add2'), 0, 0]])),
);
/** (func unreachable) (start 0) */
const trapsOnStart = module(
  section(1, vec([[0x60, 0, 0]])),
  section(3, vec([[0]])),
  section(8, [0]),
  section(10, vec([body(0x00, 0x0b)])),
);
/** Imports every spectest item. */
const usesSpectest = module(
  section(1, vec([[0x60, 1, 0x7f, 0]])),
  section(
    2,
    vec([
      [...str('spectest'), ...str('print_i32'), 0, 0],
      [...str('spectest'), ...str('global_i32'), 3, 0x7f, 0],
      [...str('spectest'), ...str('global_i64'), 3, 0x7e, 0],
      [...str('spectest'), ...str('table'), 1, 0x70, 1, 10, 20],
      [...str('spectest'), ...str('memory'), 2, 1, 1, 2],
    ]),
  ),
  section(7, vec([[...str('gi64'), 3, 1]])),
);

const files: Record<string, Uint8Array> = {
  'main.wasm': mainModule,
  'invalid.wasm': invalidModule,
  'bad.wasm': badVersion,
  'unlinkable.wasm': unlinkable,
  'imports-m.wasm': importsM,
  'start.wasm': trapsOnStart,
  'spectest.wasm': usesSpectest,
};
const readModule = (name: string) => {
  const b = files[name];
  if (!b) throw new Error(`no file ${name}`);
  return b;
};

const i32 = (v: number) => ({ type: 'i32', value: String(v >>> 0) });
const invoke = (field: string, args: { type: string; value: string }[] = [], module?: string) => ({
  type: 'invoke',
  field,
  args,
  ...(module ? { module } : {}),
});

let line = 0;
const cmd = (c: Omit<WastCommand, 'line'>): WastCommand => ({ line: ++line, ...c });

const script: WastScript = {
  commands: [
    cmd({ type: 'module', filename: 'main.wasm', name: '$main' }),
    cmd({ type: 'assert_return', action: invoke('add', [i32(1), i32(2)]), expected: [i32(3)] }),
    cmd({ type: 'assert_return', action: invoke('add', [i32(-1), i32(1)]), expected: [i32(0)] }),
    cmd({ type: 'assert_trap', action: invoke('trap'), text: 'unreachable', expected: [] }),
    cmd({ type: 'assert_exhaustion', action: invoke('loop'), text: 'call stack exhausted', expected: [] }),
    cmd({
      type: 'assert_return',
      action: invoke('swap', [
        { type: 'i64', value: '18446744073709551615' },
        { type: 'f64', value: '4607182418800017408' },
      ]),
      expected: [
        { type: 'f64', value: '4607182418800017408' },
        { type: 'i64', value: '18446744073709551615' },
      ],
    }),
    cmd({ type: 'assert_return', action: { type: 'get', field: 'g' }, expected: [i32(7)] }),
    cmd({ type: 'action', action: invoke('add', [i32(0), i32(0)]), expected: [{ type: 'i32' }] }),
    cmd({
      type: 'assert_return',
      action: invoke('f32id', [{ type: 'f32', value: String(0x7fc00000) }]),
      expected: [{ type: 'f32', value: 'nan:canonical' }],
    }),
    cmd({
      type: 'assert_malformed',
      filename: 'bad.wasm',
      module_type: 'binary',
      text: 'unknown binary version',
    }),
    cmd({ type: 'assert_invalid', filename: 'invalid.wasm', module_type: 'binary', text: 'type mismatch' }),
    cmd({ type: 'assert_malformed', filename: 'x.wat', module_type: 'text', text: 'unexpected token' }),
    cmd({
      type: 'assert_unlinkable',
      filename: 'unlinkable.wasm',
      module_type: 'binary',
      text: 'unknown import',
    }),
    cmd({
      type: 'assert_uninstantiable',
      filename: 'start.wasm',
      module_type: 'binary',
      text: 'unreachable',
    }),
    cmd({ type: 'register', name: '$main', as: 'M' }),
    cmd({ type: 'module', filename: 'imports-m.wasm' }),
    cmd({ type: 'assert_return', action: invoke('add2', [i32(20), i32(22)]), expected: [i32(42)] }),
    cmd({ type: 'assert_return', action: invoke('add', [i32(2), i32(2)], '$main'), expected: [i32(4)] }),
    cmd({ type: 'module', filename: 'spectest.wasm' }),
    cmd({
      type: 'assert_return',
      action: { type: 'get', field: 'gi64' },
      expected: [{ type: 'i64', value: '666' }],
    }),
  ],
};

const failing: WastScript = {
  commands: [
    cmd({ type: 'module', filename: 'main.wasm', name: '$m' }),
    cmd({ type: 'assert_return', action: invoke('add', [i32(1), i32(1)]), expected: [i32(3)] }), // wrong result
    cmd({ type: 'assert_trap', action: invoke('add', [i32(1), i32(1)]), text: 'x', expected: [] }), // no trap
    cmd({ type: 'assert_invalid', filename: 'main.wasm', module_type: 'binary', text: 'x' }), // valid module
    cmd({ type: 'assert_return', action: invoke('nope'), expected: [] }), // no such export
    cmd({ type: 'assert_return', action: invoke('add', [], '$nope'), expected: [] }), // no such module
    cmd({ type: 'module', filename: 'invalid.wasm' }), // does not compile
    cmd({ type: 'assert_return', action: invoke('add', [i32(1), i32(1)]), expected: [i32(2)] }), // module gone
    cmd({ type: 'frobnicate' }), // unknown command
    cmd({
      type: 'assert_return',
      action: invoke('add', [i32(1), i32(1)], '$m'),
      expected: [{ type: 'v128', lane_type: 'i32', value: ['0', '0', '0', '0'] }],
    }),
  ],
};

describe('runScript against native WebAssembly', () => {
  it('passes every command of a correct script, counting text-format modules apart', () => {
    const r = runScript(script, native, { readModule });
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(script.commands.length - 1);
    expect(r.textNotRun).toBe(1);
    expect(r.total).toBe(script.commands.length);
    expect(r.byCommand.assert_return.passed).toBe(8);
  });

  it('fails (and keeps going after) wrong results, missing modules and unknown commands', () => {
    const r = runScript(failing, native, { readModule });
    expect(r.passed).toBe(1);
    expect(r.failed).toBe(failing.commands.length - 1);
    const reasons = r.failures.map((f) => f.reason);
    expect(reasons[0]).toMatch(/expected 3, got 2/);
    expect(reasons[1]).toMatch(/expected RuntimeError.*returned/);
    expect(reasons[2]).toMatch(/validate\(\) returned true; new Module\(\) succeeded/);
    expect(reasons[3]).toMatch(/no.*function/);
    expect(reasons[4]).toMatch(/unknown module \$nope/);
    expect(reasons[5]).toMatch(/compiling failed: CompileError/);
    expect(reasons[6]).toMatch(/not available/);
    expect(reasons[7]).toMatch(/unknown command type frobnicate/);
    expect(reasons[8]).toMatch(/v128 cannot cross the JS boundary/);
  });

  it('stops at the time limit and counts the rest as failed', () => {
    const r = runScript(script, native, { readModule, timeLimitMs: -1 });
    expect(r.passed).toBe(0);
    expect(r.failed).toBe(script.commands.length - 1);
    expect(r.aborted).toMatch(/time limit/);
  });

  it('uses the raw-invoke hook for exact NaN bits and v128', () => {
    const sNaN = [{ type: 'f32', value: String(0x7fa00000) }];
    const s: WastScript = {
      commands: [
        { type: 'module', line: 1, filename: 'main.wasm' },
        { type: 'assert_return', line: 2, action: invoke('f32id', sNaN), expected: sNaN },
      ],
    };
    // Through JS the signalling NaN gets quieted…
    expect(runScript(s, native, { readModule }).failures[0]?.reason).toMatch(/expected NaN \(0x7fa00000\)/);
    // …the trampoline keeps its bits.
    const withHook = Object.create(native, { [INVOKE_RAW]: { value: createWasmInvokeRaw(native) } });
    expect(runScript(s, withHook, { readModule }).failures).toEqual([]);
    expect(runScript(s, withHook, { readModule, useRawHook: false }).failed).toBe(1);
  });
});

let testsuite: string | undefined;
try {
  testsuite = locateTestsuite();
} catch {}

describe.runIf(testsuite !== undefined)('real scripts of the test suite against native WebAssembly', () => {
  const provider = nativeProvider();
  for (const file of [
    'fac.wast',
    'f32_bitwise.wast',
    'imports.wast',
    'simd_lane.wast',
    'binary-leb128.wast',
  ]) {
    it(file, async () => {
      const entry = readManifest(testsuite!).find((e) => e.file === file)!;
      const path = scriptJsonPath(testsuite!, file);
      expect(existsSync(path)).toBe(true);
      const ns = await provider(featuresForGroup(entry.group));
      const r = runScript(readScript(path), ns, { dir: dirname(path) });
      expect(r.failures).toEqual([]);
      expect(r.total).toBe(
        Object.entries(entry.counts).reduce((n, [k, v]) => (k === 'asserts' ? n : n + v), 0),
      );
    });
  }
  it('leaves the V8 flags at the 2.0 base afterwards', async () => {
    await provider({ ...BASE_FEATURES });
  });
});
