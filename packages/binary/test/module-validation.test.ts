import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONCRETE,
  checkBodyDecodes,
  type Features,
  type ModuleEnv,
  parseModule,
  refType,
  WasmError,
} from '../src/index.js';
import {
  type Bytes,
  body,
  code,
  custom,
  EXTERNREF,
  FUNCREF,
  funcs,
  functype,
  I32,
  I64,
  i32const,
  section,
  str,
  types,
  u32,
  vec,
  wasm,
} from './fixtures/encode.js';

function errorOf(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
    return e;
  }
  throw new Error('expected an error');
}

function rejects(
  m: Uint8Array,
  kind: 'malformed' | 'invalid',
  message: string,
  features?: Partial<Features>,
) {
  const e = errorOf(() => parseModule(m, { features }));
  expect([e.kind, e.message]).toEqual([kind, message]);
  return e;
}

const voidType = types(functype([], []));
const mem = (...limits: Bytes[]) => section(5, vec(limits));
const table = (...t: Bytes[]) => section(4, vec(t));
const globals = (...g: Bytes[]) => section(6, vec(g));
const exports = (...e: Bytes[]) => section(7, vec(e));
const imports = (...i: Bytes[]) => section(2, vec(i));
const importGlobal = (type: number, mutable = 0) => [...str('m'), ...str('g'), 3, type, mutable];

describe('section order', () => {
  it('rejects duplicate and out-of-order sections', () => {
    rejects(wasm(voidType, voidType), 'malformed', 'unexpected content after last section');
    rejects(wasm(mem([0, 1]), voidType), 'malformed', 'unexpected content after last section');
    rejects(wasm(section(10, [0]), section(12, [0])), 'malformed', 'unexpected content after last section');
    const start = wasm(voidType, funcs(0), section(8, [0]), section(8, [0]), code(body()));
    expect(errorOf(() => parseModule(start)).offset).toBe(21);
  });

  it('puts the tag section between memory and global', () => {
    const tag = section(13, vec([[0, 0]]));
    expect(
      parseModule(wasm(voidType, mem([0, 1]), tag, globals([I32, 0, ...i32const(1)]))).module.tags,
    ).toEqual([{ typeIndex: 0 }]);
    rejects(wasm(voidType, tag, mem([0, 1])), 'malformed', 'unexpected content after last section');
    rejects(wasm(voidType, tag), 'malformed', 'malformed section id', { exceptions: false });
  });

  it('allows custom sections anywhere', () => {
    const m = wasm(
      custom('a', []),
      voidType,
      custom('b', []),
      funcs(0),
      custom('c', []),
      code(body()),
      custom('d', []),
    );
    expect(parseModule(m).module.customSections.length).toBe(4);
  });
});

describe('function, code and data counts', () => {
  it('needs as many bodies as functions', () => {
    rejects(wasm(voidType, funcs(0)), 'malformed', 'function and code section have inconsistent lengths');
    rejects(wasm(voidType, code(body())), 'malformed', 'function and code section have inconsistent lengths');
    rejects(
      wasm(voidType, funcs(0, 0), code(body())),
      'malformed',
      'function and code section have inconsistent lengths',
    );
    expect(parseModule(wasm(voidType, funcs(0, 0), code(body(), body()))).bodies.map((b) => b.index)).toEqual(
      [0, 1],
    );
  });

  it('needs the data count to match the data section', () => {
    const data = section(11, vec([[1, 0]]));
    rejects(
      wasm(section(12, [2]), data),
      'malformed',
      'data count and data section have inconsistent lengths',
    );
    rejects(wasm(section(12, [1])), 'malformed', 'data count and data section have inconsistent lengths');
    expect(parseModule(wasm(section(12, [0]))).env.dataCount).toBe(0);
    expect(parseModule(wasm(section(12, [1]), data)).env.dataCount).toBe(1);
    expect(parseModule(wasm(data)).env.dataCount).toBe(null);
  });
});

describe('index spaces and types', () => {
  it('checks type indices', () => {
    rejects(wasm(voidType, funcs(1), code(body())), 'invalid', 'unknown type 1');
    rejects(wasm(imports([...str('m'), ...str('f'), 0, 3])), 'invalid', 'unknown type 3');
    const tag = section(13, vec([[0, 0]]));
    rejects(wasm(types(functype([], [I32])), tag), 'invalid', 'non-empty tag result type');
  });

  it('checks limits of memories and tables', () => {
    rejects(wasm(mem([1, 2, 1])), 'invalid', 'size minimum must not be greater than maximum');
    rejects(wasm(mem([0, ...u32(65537)])), 'invalid', 'memory size must be at most 65536 pages (4GiB)');
    rejects(wasm(mem([1, 0, ...u32(65537)])), 'invalid', 'memory size must be at most 65536 pages (4GiB)');
    expect(parseModule(wasm(mem([1, 0, ...u32(65536)]))).module.memories.length).toBe(1);
    rejects(wasm(mem([2, 1])), 'invalid', 'shared memory must have maximum');
    expect(parseModule(wasm(mem([3, 1, 2]))).module.memories[0].limits.shared).toBe(true);
    const big64 = [5, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // max 2^63
    rejects(wasm(mem(big64)), 'invalid', 'memory size must be at most 2^48 pages', { memory64: true });
    rejects(wasm(table([FUNCREF, 1, 2, 1])), 'invalid', 'size minimum must not be greater than maximum');
    expect(parseModule(wasm(table([FUNCREF, 1, 0, ...u32(0xffffffff)]))).module.tables.length).toBe(1);
    // Past the table size limit it compiles; instantiation fails (runtime link.ts), as native.
    expect(parseModule(wasm(table([FUNCREF, 0, ...u32(10_000_001)]))).module.tables[0].limits.min).toBe(
      10_000_001,
    );
  });

  it('counts memories and tables, imported ones included', () => {
    const importMem = [...str('m'), ...str('m'), 2, 0, 1];
    rejects(wasm(imports(importMem), mem([0, 1])), 'invalid', 'multiple memories');
    rejects(wasm(mem([0, 1], [0, 1])), 'invalid', 'multiple memories');
    expect(
      parseModule(wasm(imports(importMem), mem([0, 1])), { features: { multiMemory: true } }).env.memories
        .length,
    ).toBe(2);
    rejects(wasm(table([FUNCREF, 0, 1], [FUNCREF, 0, 1])), 'invalid', 'multiple tables', {
      referenceTypes: false,
    });
    expect(parseModule(wasm(table([FUNCREF, 0, 1], [EXTERNREF, 0, 1]))).env.tables.length).toBe(2);
  });

  it('checks exports and the start function', () => {
    const m = (e: Bytes[], start?: number, t = functype([], [])) =>
      wasm(
        types(t),
        funcs(0),
        exports(...e),
        ...(start === undefined ? [] : [section(8, u32(start))]),
        code(body()),
      );
    rejects(
      m([
        [...str('a'), 0, 0],
        [...str('a'), 0, 0],
      ]),
      'invalid',
      'duplicate export name',
    );
    rejects(m([[...str('a'), 0, 1]]), 'invalid', 'unknown function 1');
    rejects(m([[...str('a'), 1, 0]]), 'invalid', 'unknown table 0');
    rejects(m([[...str('a'), 2, 0]]), 'invalid', 'unknown memory 0');
    rejects(m([[...str('a'), 3, 0]]), 'invalid', 'unknown global 0');
    rejects(m([[...str('a'), 4, 0]]), 'invalid', 'unknown tag 0');
    rejects(m([], 1), 'invalid', 'unknown function 1');
    rejects(m([], 0, functype([I32], [])), 'invalid', 'start function');
    rejects(m([], 0, functype([], [I32])), 'invalid', 'start function');
    expect(parseModule(m([[...str('a'), 0, 0]], 0)).module.start).toBe(0);
  });
});

describe('constant expressions', () => {
  it('lets global.get read imported immutable globals only (MVP), earlier ones too with GC', () => {
    const defined = wasm(globals([I32, 0, ...i32const(1)], [I32, 0, 0x23, 0, 0x0b]));
    rejects(defined, 'invalid', 'unknown global 0');
    expect(parseModule(defined, { features: { gc: true } }).module.globals[1].init.type).toBe(I32);
    rejects(wasm(globals([I32, 0, 0x23, 0, 0x0b])), 'invalid', 'unknown global 0', { gc: true });
    const imported = (mutable: number) =>
      wasm(imports(importGlobal(I32, mutable)), globals([I32, 0, 0x23, 0, 0x0b]));
    expect(parseModule(imported(0)).module.globals.length).toBe(1);
    rejects(imported(1), 'invalid', 'constant expression required');
    // Element and data offsets follow the same rule.
    const elem = wasm(
      table([FUNCREF, 0, 1]),
      globals([I32, 0, ...i32const(0)]),
      section(9, vec([[0, 0x23, 0, 0x0b, 0]])),
    );
    rejects(elem, 'invalid', 'unknown global 0');
    expect(parseModule(elem, { features: { gc: true } }).module.elements.kinds.length).toBe(1);
  });

  it('type-checks the value produced', () => {
    rejects(wasm(globals([I32, 0, 0x42, 0, 0x0b])), 'invalid', 'type mismatch: expected i32, got [i64]');
    rejects(
      wasm(globals([I32, 0, 0x41, 0, 0x41, 0, 0x0b])),
      'invalid',
      'type mismatch: expected i32, got [i32 i32]',
    );
    rejects(wasm(globals([I32, 0, 0x0b])), 'invalid', 'type mismatch: expected i32, got []');
    rejects(wasm(globals([I32, 0, 0x41, 0, 0x6a, 0x0b])), 'invalid', 'type mismatch: expected i32, got []');
    rejects(
      wasm(globals([EXTERNREF, 0, 0xd0, 0x70, 0x0b])),
      'invalid',
      'type mismatch: expected externref, got [funcref]',
    );
    expect(
      parseModule(wasm(globals([I64, 0, 0x42, 2, 0x42, 3, 0x7e, 0x0b]))).module.globals[0].init.type,
    ).toBe(I64);
    rejects(
      wasm(globals([I32, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b])),
      'invalid',
      'constant expression required',
      {
        extendedConst: false,
      },
    );
    rejects(wasm(globals([I32, 0, 0x01, 0x0b])), 'invalid', 'constant expression required');
    rejects(wasm(globals([I32, 0, 0x41, 0, 0xfc, 0x7f, 0x0b])), 'malformed', 'illegal opcode 0xfc 0x7f');
  });

  it('collects ref.func targets of globals, elements and exports into declaredFuncRefs', () => {
    const m = wasm(
      voidType,
      funcs(0, 0, 0, 0, 0),
      table([FUNCREF, 0, 1]),
      globals([FUNCREF, 0, 0xd2, 3, 0x0b]),
      exports([...str('f'), 0, 4], [...str('g'), 3, 0]),
      section(
        9,
        vec([
          [1, 0, ...vec([[2]])],
          [7, FUNCREF, ...vec([[0xd2, 1, 0x0b]])],
        ]),
      ),
      code(body(), body(), body(), body(), body()),
    );
    const { env, module } = parseModule(m);
    expect(env.declaredFuncRefs).toEqual([1, 2, 3, 4]);
    expect(module.globals[0].init.type).toBe(refType(0x70, true));
    const typed = parseModule(m, { features: { functionReferences: true } });
    expect(typed.module.globals[0].init.type).toBe(refType(CONCRETE + 0, false));
    rejects(wasm(voidType, globals([FUNCREF, 0, 0xd2, 0, 0x0b])), 'invalid', 'unknown function 0');
  });
});

describe('segments', () => {
  const withTable = (seg: Bytes, t = [FUNCREF, 0, 1]) =>
    wasm(voidType, funcs(0), table(t), section(9, vec([seg])), code(body()));

  it('checks element segment tables, types and functions', () => {
    rejects(withTable([2, 1, ...i32const(0), 0, ...vec([[0]])]), 'invalid', 'unknown table 1');
    rejects(withTable([0, ...i32const(0), ...vec([[1]])]), 'invalid', 'unknown function 1');
    rejects(withTable([6, 0, ...i32const(0), EXTERNREF, ...vec([])]), 'invalid', 'type mismatch');
    // The compact form (flags 0, a lone i32.const) is checked as the others are.
    rejects(withTable([0, ...i32const(0), ...vec([])], [EXTERNREF, 0, 1]), 'invalid', 'type mismatch');
    const table64 = withTable([0, ...i32const(0), ...vec([])], [FUNCREF, 4, 1]);
    const e64 = errorOf(() => parseModule(table64, { features: { memory64: true } }));
    const exprAt =
      table64.findIndex((b, i) => b === 9 && table64[i + 3] === 0 && table64[i + 4] === 0x41) + 4;
    expect([e64.message, e64.offset]).toEqual(['type mismatch: expected i64, got [i32]', exprAt]);
    rejects(withTable([0, 0x42, 0, 0x0b, ...vec([])]), 'invalid', 'type mismatch: expected i32, got [i64]');
    rejects(
      withTable([5, FUNCREF, ...vec([[0xd0, 0x6f, 0x0b]])]),
      'invalid',
      'type mismatch: expected funcref, got [externref]',
    );
    rejects(
      wasm(voidType, funcs(0), section(9, vec([[0, ...i32const(0), ...vec([])]])), code(body())),
      'invalid',
      'unknown table 0',
    );
    expect(
      Array.from(parseModule(withTable([5, EXTERNREF, ...vec([[0xd0, 0x6f, 0x0b]])])).env.elemTypes),
    ).toEqual([refType(0x6f, true)]);
  });

  it('checks data segment memories and offsets', () => {
    rejects(wasm(section(11, vec([[0, ...i32const(0), 0]]))), 'invalid', 'unknown memory 0');
    rejects(wasm(mem([0, 1]), section(11, vec([[2, 1, ...i32const(0), 0]]))), 'invalid', 'unknown memory 1', {
      multiMemory: true,
    });
    rejects(
      wasm(mem([0, 1]), section(11, vec([[0, 0x42, 0, 0x0b, 0]]))),
      'invalid',
      'type mismatch: expected i32, got [i64]',
    );
    const m64 = wasm(mem([4, 1]), section(11, vec([[0, 0x42, 0, 0x0b, 0]])));
    expect(parseModule(m64, { features: { memory64: true } }).module.data.placements[0].offset.type).toBe(
      I64,
    );
    // A lone i32.const for a 64-bit memory, kept compact by the decoder and
    // with padded flags as an expression: the same error, at the expression.
    for (const flags of [[0], [0x80, 0]]) {
      const m = wasm(mem([4, 1]), section(11, vec([[...flags, ...i32const(0), 0]])));
      const e = rejects(m, 'invalid', 'type mismatch: expected i64, got [i32]', { memory64: true });
      expect(e.offset).toBe(m.length - 4);
    }
  });
});

describe('implementation limits (JS API)', () => {
  // Only the count is encoded: the limit is checked before any entry is read.
  const countOnly = (id: number, n: number) => wasm(section(id, u32(n)));
  it('rejects counts over the limits at the count', () => {
    rejects(countOnly(1, 1_000_001), 'invalid', 'types count of 1000001 exceeds internal limit of 1000000');
    rejects(countOnly(2, 100_001), 'invalid', 'imports count of 100001 exceeds internal limit of 100000');
    rejects(
      countOnly(3, 1_000_001),
      'invalid',
      'functions count of 1000001 exceeds internal limit of 1000000',
    );
    rejects(countOnly(6, 1_000_001), 'invalid', 'globals count of 1000001 exceeds internal limit of 1000000');
    rejects(countOnly(7, 100_001), 'invalid', 'exports count of 100001 exceeds internal limit of 100000');
    rejects(
      countOnly(11, 100_001),
      'invalid',
      'data segments count of 100001 exceeds internal limit of 100000',
    );
    rejects(
      countOnly(9, 10_000_001),
      'invalid',
      'element segments count of 10000001 exceeds internal limit of 10000000',
    );
    rejects(countOnly(4, 100_001), 'invalid', 'table count of 100001 exceeds internal limit of 100000');
    const e = rejects(
      wasm(section(1, [1, 0x60, ...u32(1001)])),
      'invalid',
      'param count of 1001 exceeds internal limit of 1000',
    );
    expect(e.offset).toBe(12);
    rejects(
      wasm(section(1, [1, 0x60, 0, ...u32(1001)])),
      'invalid',
      'return count of 1001 exceeds internal limit of 1000',
    );
    const ok = wasm(types(functype(new Array(1000).fill(I32), new Array(1000).fill(I64))));
    expect(parseModule(ok).module.types[0]).toMatchObject({ kind: 'func' });
  });
});

describe('GC types', () => {
  const gc = { gc: true };
  const struct = (fields: Bytes[]) => [0x5f, ...vec(fields)];
  const sub = (final: boolean, sups: number[], comp: Bytes) => [
    final ? 0x4f : 0x50,
    ...vec(sups.map(u32)),
    ...comp,
  ];

  it('validates declared supertypes', () => {
    const base = sub(false, [], struct([[I32, 0]]));
    const ext = sub(
      false,
      [0],
      struct([
        [I32, 0],
        [I64, 1],
      ]),
    );
    expect(
      parseModule(wasm(section(1, vec([base, ext]))), { features: gc }).module.types[1].supertypes,
    ).toEqual([0]);
    rejects(
      wasm(section(1, vec([sub(true, [], struct([[I32, 0]])), ext]))),
      'invalid',
      'sub type 1 has final supertype 0',
      gc,
    );
    const bad = sub(false, [0], struct([[I64, 0]]));
    rejects(wasm(section(1, vec([base, bad]))), 'invalid', 'sub type 1 does not match super type 0', gc);
    rejects(wasm(section(1, vec([sub(false, [0], struct([]))]))), 'invalid', 'unknown type 0', gc);
    rejects(wasm(section(1, vec([[0x5f, ...vec([[0x63, 5, 0]])]]))), 'invalid', 'unknown type 5', gc);
  });

  it('treats identical recursion groups as equivalent types', () => {
    // Types 0 and 1 are equivalent structs; a global of (ref 0) takes struct.new 1.
    const s = [0x5f, ...vec([[I32, 0]])];
    const m = wasm(section(1, vec([s, s])), globals([0x64, 0, 0, 0x41, 7, 0xfb, 0x00, 1, 0x0b]));
    expect(parseModule(m, { features: gc }).module.globals[0].init.type).toBe(refType(CONCRETE + 1, false));
    // A struct is not a function.
    const f = wasm(
      section(1, vec([s, functype([], [])])),
      globals([0x64, 1, 0, 0x41, 7, 0xfb, 0x00, 0, 0x0b]),
    );
    rejects(f, 'invalid', 'type mismatch: expected (ref 1), got [(ref 0)]', gc);
  });
});

describe('ModuleEnv', () => {
  it('is frozen at the code section start, before the first body', () => {
    const events: string[] = [];
    let env: ModuleEnv | undefined;
    const m = wasm(
      voidType,
      imports([...str('m'), ...str('f'), 0, 0], importGlobal(I32)),
      funcs(0),
      globals([I64, 1, 0x42, 0, 0x0b]),
      code(body()),
      section(11, vec([[1, 0]])),
    );
    parseModule(m, {
      onEnv: (e) => {
        env = e;
        events.push('env');
      },
      onBody: (b) => events.push(`body ${b.index}`),
    });
    expect(events).toEqual(['env', 'body 1']);
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env!.funcs)).toBe(true);
    expect(env).toMatchObject({
      funcs: [0, 0],
      numImportedFuncs: 1,
      globals: [
        { type: I32, mutable: false },
        { type: I64, mutable: true },
      ],
      numImportedGlobals: 1,
      dataCount: null,
      declaredFuncRefs: [],
    });
    expect(structuredClone(env)).toEqual(env);
  });
});

// ---- The spec test suite, with Node's native engine as the oracle --------------------------

const SUITE = process.env.WASM_TESTSUITE ?? '/work/shared/testsuite';
const JSON_ROOT = `${SUITE}/json`;

const GROUP_FEATURES: Record<string, Partial<Features>> = {
  'multi-memory': { multiMemory: true },
  memory64: { memory64: true },
  gc: { gc: true },
  'function-references': { functionReferences: true },
  'relaxed-simd': { relaxedSimd: true },
};

interface Case {
  group: string;
  script: string;
  line: number;
  type: string;
  text: string;
  file: string;
}

function suiteCases(): Case[] {
  const out: Case[] = [];
  const scripts: [string, string, string][] = [];
  for (const d of readdirSync(JSON_ROOT)) {
    if (d === 'proposals') {
      for (const p of readdirSync(`${JSON_ROOT}/proposals`)) {
        for (const s of readdirSync(`${JSON_ROOT}/proposals/${p}`))
          scripts.push([`${JSON_ROOT}/proposals/${p}/${s}`, s, p]);
      }
    } else {
      scripts.push([`${JSON_ROOT}/${d}`, d, d.startsWith('simd') ? 'simd' : 'core']);
    }
  }
  for (const [dir, script, group] of scripts) {
    const file = `${dir}/${script}.json`;
    if (!existsSync(file)) continue;
    for (const c of JSON.parse(readFileSync(file, 'utf8')).commands) {
      if (typeof c.filename !== 'string' || !c.filename.endsWith('.wasm')) continue;
      out.push({
        group,
        script,
        line: c.line,
        type: c.type,
        text: c.text ?? '',
        file: `${dir}/${c.filename}`,
      });
    }
  }
  return out;
}

/** Our verdict: null (accepted) or the error, running module-level parsing and body decoding. */
function ours(bytes: Uint8Array, features: Partial<Features> | undefined, bodies: boolean): WasmError | null {
  try {
    const { env, bodies: list } = parseModule(bytes, { features });
    if (bodies) {
      for (const b of list) {
        const t = env.types[env.funcs[b.index]];
        checkBodyDecodes(b.bytes, env.features, b.offset, b.index, t.kind === 'func' ? t.params.length : 0);
      }
    }
    return null;
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw e;
  }
}

/**
 * Node's verdicts, from a child process with the proposals Node 20 implements
 * switched on (enabling features only ever turns a rejection into acceptance).
 */
function nodeVerdicts(files: string[]): string[] {
  const script = `
    const fs = require('node:fs');
    const files = JSON.parse(fs.readFileSync(0, 'utf8'));
    const out = files.map((f) => { try { new WebAssembly.Module(fs.readFileSync(f)); return 'ok'; } catch (e) { return e.message; } });
    process.stdout.write(JSON.stringify(out));`;
  const flags = [
    '--experimental-wasm-memory64',
    '--experimental-wasm-extended-const',
    '--experimental-wasm-relaxed-simd',
    '--experimental-wasm-return-call',
  ];
  const out = execFileSync(process.execPath, [...flags, '-e', script], {
    input: JSON.stringify(files),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString());
}

describe.runIf(existsSync(JSON_ROOT))('spec test suite binary modules', () => {
  const cases = suiteCases();

  it('accepts every module the suite expects to decode and validate at module level', () => {
    const valid = cases.filter((c) => !c.type.startsWith('assert_malformed') && c.type !== 'assert_invalid');
    expect(valid.length).toBeGreaterThan(2000);
    const rejected: string[] = [];
    for (const c of valid) {
      const e = ours(new Uint8Array(readFileSync(c.file)), GROUP_FEATURES[c.group], false);
      if (e) rejected.push(`${c.group}/${c.script}:${c.line} ${e.message}`);
    }
    expect(rejected).toEqual([]);
  });

  it('rejects every binary.wast, binary-leb128.wast, custom.wast and utf8-*.wast malformed module', () => {
    const picked = cases.filter(
      (c) =>
        c.group === 'core' &&
        c.type === 'assert_malformed' &&
        /^(binary|binary-leb128|custom|utf8-.*)$/.test(c.script) &&
        // Needs body validation (memory.init / data.drop without a data count): the compiler's job.
        c.text !== 'data count section required',
    );
    expect(picked.length).toBeGreaterThan(500);
    const accepted: string[] = [];
    const wrongKind: string[] = [];
    for (const c of picked) {
      const e = ours(new Uint8Array(readFileSync(c.file)), undefined, true);
      if (!e) accepted.push(`${c.script}:${c.line} ${c.text}`);
      // With threads on (as in Node), memory limits flag 0x02 is a shared memory without maximum: invalid.
      else if (
        e.kind !== 'malformed' &&
        !(c.script === 'binary' && e.message === 'shared memory must have maximum')
      )
        wrongKind.push(`${c.script}:${c.line} ${c.text}: ${e.message}`);
    }
    expect(accepted).toEqual([]);
    expect(wrongKind).toEqual([]);
  });

  it('rejects every malformed/invalid module whose error Node reports outside function bodies', () => {
    const bad = cases.filter((c) => c.type === 'assert_malformed' || c.type === 'assert_invalid');
    const verdicts = nodeVerdicts(bad.map((c) => c.file));
    const accepted: string[] = [];
    let moduleLevel = 0;
    let bodyLevel = 0;
    for (let i = 0; i < bad.length; i++) {
      const c = bad[i];
      const node = verdicts[i];
      // Node accepts: the suite's proposal differs from Node 20's defaults (e.g. threads' MVP table rules).
      if (node === 'ok') continue;
      if (node.includes('Compiling function #')) {
        bodyLevel++;
        continue;
      }
      moduleLevel++;
      if (!ours(new Uint8Array(readFileSync(c.file)), GROUP_FEATURES[c.group], false)) {
        accepted.push(`${c.group}/${c.script}:${c.line} ${c.type} "${c.text}" (node: ${node})`);
      }
    }
    expect(moduleLevel).toBeGreaterThan(500);
    expect(bodyLevel).toBeGreaterThan(1000);
    expect(accepted).toEqual([]);
  });
});
