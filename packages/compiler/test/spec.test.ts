/**
 * The core spec suite (MVP + 2.0 without SIMD) through the test harness:
 * every valid module compiles and its sources parse as JS; assert_return and
 * assert_trap run on modules that import nothing but `spectest`; every
 * assert_invalid module and binary assert_malformed module is rejected by
 * parseModule + compileFunction. Needs ../shared/testsuite (skipped otherwise).
 * Run twice: as compiled for real, and with every function split into
 * segments of a few instructions (`EmitLimits`), the form only functions too
 * large for V8's optimizing compiler get.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '@wasmloom/binary';
import { helpers } from '@wasmloom/runtime';
import { describe, expect, test } from 'vitest';
import { compileFunction, type EmitLimits } from '../src/index.js';
import { genericArray, type Harness, instantiate } from './harness.js';

const ROOT = process.env.WASMLOOM_TESTSUITE ?? join(__dirname, '../../../../shared/testsuite');
const JSON_DIR = join(ROOT, 'json');
const have = existsSync(JSON_DIR);

/** Scripts of the core group (2.0 without SIMD), by directory name. */
function coreScripts(): string[] {
  if (!have) return [];
  const manifest = readFileSync(join(ROOT, 'manifest.tsv'), 'utf8').split('\n').slice(1);
  return manifest
    .map((l) => l.split('\t'))
    .filter((c) => c[1] === 'core')
    .map((c) => c[0].replace(/\.wast$/, ''));
}

/** Known gaps, as "script: what" (kept empty when everything passes). */
const KNOWN_FAILURES = new Set<string>([]);

interface Value {
  type: string;
  value?: string | string[];
}
interface Command {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  module_type?: string;
  action?: { type: string; module?: string; field: string; args: Value[] };
  expected?: Value[];
  text?: string;
}

const externs = new Map<string, object>();
function externOf(v: string): object {
  let o = externs.get(v);
  if (o === undefined) {
    o = { externref: v };
    externs.set(v, o);
  }
  return o;
}

function toRaw(v: Value, out: unknown[]): void {
  const s = v.value as string;
  switch (v.type) {
    case 'i32':
      out.push(Number(s) | 0);
      return;
    case 'i64': {
      const b = BigInt(s);
      out.push(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n)));
      return;
    }
    case 'f32':
      out.push(helpers.f32FromBits(Number(s) | 0));
      return;
    case 'f64': {
      const b = BigInt(s);
      out.push(helpers.f64FromBits(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))));
      return;
    }
    case 'externref':
      out.push(s === 'null' ? null : externOf(s));
      return;
    case 'funcref':
      out.push(null);
      return;
  }
  throw new Error(`unsupported value type ${v.type}`);
}

/** Compare flattened raw results with the expected values; a message on mismatch. */
function check(expected: Value[], raw: unknown[]): string | null {
  let k = 0;
  for (const e of expected) {
    const s = e.value as string;
    switch (e.type) {
      case 'i32': {
        const got = (raw[k++] as number) >>> 0;
        if (got !== Number(s) >>> 0) return `i32 ${got} != ${s}`;
        break;
      }
      case 'i64': {
        const got = BigInt.asUintN(
          64,
          (BigInt(raw[k + 1] as number) << 32n) | BigInt((raw[k] as number) >>> 0),
        );
        k += 2;
        if (got !== BigInt(s)) return `i64 ${got} != ${s}`;
        break;
      }
      case 'f32': {
        const bits = helpers.f32ToBits(raw[k++] as number) >>> 0;
        if (s === 'nan:canonical') {
          if ((bits & 0x7fffffff) !== 0x7fc00000) return `f32 0x${bits.toString(16)} not canonical NaN`;
        } else if (s === 'nan:arithmetic') {
          if ((bits & 0x7fc00000) !== 0x7fc00000) return `f32 0x${bits.toString(16)} not arithmetic NaN`;
        } else if (bits !== Number(s) >>> 0)
          return `f32 0x${bits.toString(16)} != 0x${(Number(s) >>> 0).toString(16)}`;
        break;
      }
      case 'f64': {
        const lo = helpers.f64ToBits(raw[k++] as number) >>> 0;
        const hi = helpers.HI[0] >>> 0;
        const bits = (BigInt(hi) << 32n) | BigInt(lo);
        if (s === 'nan:canonical') {
          if ((hi & 0x7fffffff) !== 0x7ff80000 || lo !== 0)
            return `f64 0x${bits.toString(16)} not canonical NaN`;
        } else if (s === 'nan:arithmetic') {
          if ((hi & 0x7ff80000) !== 0x7ff80000) return `f64 0x${bits.toString(16)} not arithmetic NaN`;
        } else if (bits !== BigInt(s)) return `f64 0x${bits.toString(16)} != 0x${BigInt(s).toString(16)}`;
        break;
      }
      case 'externref': {
        const got = raw[k++];
        if (s === 'null' ? got !== null : got !== externOf(s)) return `externref mismatch (${s})`;
        break;
      }
      case 'funcref': {
        const got = raw[k++];
        if (s === 'null' ? got !== null : got === null) return `funcref mismatch (${s})`;
        break;
      }
      default:
        return `unsupported expected type ${e.type}`;
    }
  }
  return null;
}

const spectest = {
  funcs: {},
  globals: {
    'spectest.global_i32': 666,
    'spectest.global_i64': 666n,
    'spectest.global_f32': 666.6,
    'spectest.global_f64': 666.6,
  },
};

function onlySpectestImports(bytes: Uint8Array): boolean {
  const { module } = parseModule(bytes);
  return module.imports.every((i) => i.module === 'spectest');
}

function rejects(bytes: Uint8Array): boolean {
  try {
    const p = parseModule(bytes);
    for (const b of p.bodies) compileFunction(p.env, b.index, b);
    return false;
  } catch {
    return true;
  }
}

interface Outcome {
  passed: number;
  failures: string[];
}

function runScript(name: string, limits?: EmitLimits): Outcome {
  const dir = join(JSON_DIR, name);
  const script = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { commands: Command[] };
  const out: Outcome = { passed: 0, failures: [] };
  const fail = (c: Command, why: string) => out.failures.push(`${name}:${c.line} ${c.type}: ${why}`);
  const named = new Map<string, Harness | null>();
  let current: Harness | null = null;
  // The harness does not link modules: a registered module's state may be changed by
  // its importers, so assertions on registered modules are left to the runtime's tests.
  const registered = new Set<string>();
  let lastName: string | undefined;
  for (const c of script.commands)
    if (c.type === 'register') registered.add((c as { name?: string }).name ?? '');
  for (const c of script.commands) {
    try {
      switch (c.type) {
        case 'module': {
          const bytes = readFileSync(join(dir, c.filename!));
          current = null;
          // Compiling must always work; running needs only-spectest imports.
          const p = parseModule(bytes);
          for (const b of p.bodies) new Function(compileFunction(p.env, b.index, b, limits));
          if (onlySpectestImports(bytes)) {
            try {
              current = instantiate(bytes, spectest, limits);
            } catch (e) {
              if (!(e instanceof Error && /out of bounds|harness:/.test(e.message))) throw e;
            }
          }
          lastName = c.name;
          if (c.name && registered.has(c.name)) current = null;
          if (c.name) named.set(c.name, current);
          out.passed++;
          break;
        }
        case 'register':
          if (c.name === undefined && lastName === undefined) current = null;
          break;
        case 'assert_return':
        case 'assert_trap':
        case 'assert_exhaustion':
        case 'action': {
          const a = c.action!;
          const h = a.module ? (named.get(a.module) ?? null) : current;
          if (h === null || a.type !== 'invoke') break;
          const args = genericArray();
          for (const v of a.args) toRaw(v, args);
          if (c.type === 'assert_return' || c.type === 'action') {
            const raw = h.callRaw(a.field, args);
            const why = c.expected ? check(c.expected, raw) : null;
            if (why) fail(c, `${a.field}(${a.args.map((v) => v.value).join(', ')}): ${why}`);
            else out.passed++;
          } else {
            try {
              h.callRaw(a.field, args);
              fail(c, `${a.field}: no trap (expected ${c.text})`);
            } catch (e) {
              const ok =
                c.type === 'assert_trap' ? (e as Error).name === 'RuntimeError' : e instanceof RangeError;
              if (ok) out.passed++;
              else fail(c, `${a.field}: ${(e as Error).name}: ${(e as Error).message} (expected ${c.text})`);
            }
          }
          break;
        }
        case 'assert_invalid':
        case 'assert_malformed': {
          if (c.module_type === 'text') break;
          const bytes = readFileSync(join(dir, c.filename!));
          if (rejects(bytes)) out.passed++;
          else fail(c, `accepted (expected ${c.text})`);
          break;
        }
      }
    } catch (e) {
      fail(c, `threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  return out;
}

const SPLIT_EVERYTHING: EmitLimits = { splitChars: 0, segmentChars: 1 };
/** Every block, if and loop in a flat region (`js/control.ts`), as only very deep code is otherwise. */
const FLAT_EVERYTHING: EmitLimits = {
  splitChars: 30_000,
  segmentChars: 8_000,
  flatDepth: 0,
  flatControlDepth: 0,
};

describe.skipIf(!have).each([
  ['as compiled', undefined],
  ['every function split', SPLIT_EVERYTHING],
  ['all control flow flattened', FLAT_EVERYTHING],
])('core spec suite, %s', (_, limits) => {
  for (const name of coreScripts()) {
    test(name, () => {
      const r = runScript(name, limits);
      const unexpected = r.failures.filter((f) => !KNOWN_FAILURES.has(f.split(' |')[0]));
      expect(unexpected.slice(0, 20)).toEqual([]);
    });
  }
});
