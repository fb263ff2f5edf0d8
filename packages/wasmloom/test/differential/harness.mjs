// @ts-check
/**
 * Differential execution of one module on two engines (native first, then the
 * engine under test), in lockstep, stopping at the first real difference.
 *
 * What runs: compile (`new Module`), instantiate (`new Instance` with an import
 * object whose functions record every call into a per-engine log and return
 * zeros), then a fixed plan of calls. The plan comes from the module's bytes and
 * the seed only, so both engines get the same calls in the same order: two
 * rounds over every exported function in export order, first with zero
 * arguments, then with arguments drawn from pools of edge values (0, -1, min/max
 * ints, -0, ±Infinity, subnormals, NaN in the raw profile only, random values).
 * Before each call `hangLimitInitializer` (binaryen's guard against infinite
 * loops and recursion) is called when exported. State carries over from call to
 * call as it would in a program.
 *
 * What is compared, after each step:
 * - the outcome: returned values, or a trap (a `RuntimeError` of that engine's
 *   namespace; same message too, as wasmloom uses V8's trap messages, unless
 *   `trapMessages: false`), or stack overflow (`RangeError` "call stack"), or
 *   any other exception (same name and message);
 * - the import calls made during the step, in order, with their arguments;
 * - every exported memory (size and bytes), global (value) and table (length,
 *   and per entry null / function name).
 *
 * Equality (the rule):
 * - i32 and i64 values compare exactly (i64 as BigInt); f32/f64 values that
 *   cross into JS compare with `Object.is` (so -0 ≠ +0), except that NaN equals
 *   NaN: a JS Number has one NaN as far as the language is concerned and the
 *   JS API does not promise to carry payloads through `ToJSValue`.
 * - Memory compares byte for byte.
 * - Profile `denan` (binaryen's --denan made every float NaN 0): nothing else is
 *   excused, every difference is a bug.
 * - Profile `raw`: the spec makes NaN results of arithmetic nondeterministic
 *   (any arithmetic NaN, or either sign of the canonical NaN), and those bits
 *   can reach memory (f32.store), integers (reinterpret) and logs. So a
 *   difference is excused, and counted as a note, when it is a NaN encoding on
 *   both sides: an i32 that is an f32 NaN bit pattern in both engines, an i64
 *   that is an f64 NaN pattern in both, or differing memory bytes that lie
 *   inside an aligned-or-not 4-byte (8-byte) window holding an f32 (f64) NaN in
 *   both memories. Anything else is a mismatch. If NaN bits flow further (into
 *   a hash, a branch) the raw run can report a difference the spec allows; the
 *   report says so, and the same seed under `denan` tells the two apart.
 */
import { prng } from './generate.mjs';
import { readSignatures } from './wasm-signatures.mjs';

/** @typedef {import('./wasm-signatures.mjs').ValType} ValType */
/** @typedef {import('./wasm-signatures.mjs').FuncType} FuncType */
/** @typedef {import('./generate.mjs').Profile} Profile */
/**
 * @typedef {{
 *   Module: new (bytes: BufferSource) => object,
 *   Instance: new (module: object, imports?: object) => object,
 *   RuntimeError: new (...args: any[]) => Error,
 * }} Namespace
 */
/** @typedef {{ name: string, ns: Namespace }} Engine */
/**
 * @typedef {{ kind: 'return', value: unknown }
 *   | { kind: 'trap', message: string }
 *   | { kind: 'stack-overflow', message: string }
 *   | { kind: 'error', name: string, message: string }} Outcome
 */
/** @typedef {{ name: string, args: unknown[] }} LogEntry */
/** @typedef {{ export: string, args: unknown[], type: FuncType }} Call */
/**
 * @typedef {{
 *   category: string,
 *   step: number | 'compile' | 'instantiate',
 *   call: Call | null,
 *   detail: string,
 * }} Mismatch
 */
/**
 * @typedef {{
 *   verdict: 'ok' | 'mismatch' | 'skipped',
 *   reason?: string,
 *   mismatch?: Mismatch,
 *   notes: string[],
 *   steps: { index: number, call: string, outcomes: [string, string], logs: number }[],
 *   engines: [string, string],
 * }} Result
 */

export const HANG_LIMIT_EXPORT = 'hangLimitInitializer';

/** Node's own engine. */
export function nativeEngine() {
  return { name: 'native', ns: /** @type {Namespace} */ (/** @type {unknown} */ (globalThis.WebAssembly)) };
}

// ---- arguments -----------------------------------------------------------------

const I32_POOL = [0, 1, -1, 2, 7, 0x7fffffff, -0x80000000, 0x80, 0xffff, 0x10000, -65536];
const I64_POOL = [0n, 1n, -1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, (1n << 63n) - 1n, -(1n << 63n)];
const F32_POOL = [
  0,
  -0,
  1,
  -1.5,
  0.1,
  1e-45,
  1.1754943508222875e-38,
  3.4028234663852886e38,
  2 ** 31,
  2 ** 63,
];
const F64_POOL = [
  0,
  -0,
  1,
  -1.5,
  0.1,
  5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  2 ** 31,
  2 ** 63,
];
const SPECIAL_FLOATS = [Infinity, -Infinity];

/**
 * @param {ValType} type
 * @param {() => number} next
 * @param {Profile} profile
 */
function randomArg(type, next, profile) {
  const pick = /** @template T @param {T[]} pool @returns {T} */ (pool) => pool[next() % pool.length];
  const roll = next() % 8;
  switch (type) {
    case 'i32':
      return roll < 5 ? pick(I32_POOL) : next() | 0;
    case 'i64':
      return roll < 5 ? pick(I64_POOL) : BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()));
    case 'f32':
    case 'f64': {
      if (roll === 0) return profile === 'raw' && next() % 2 ? Number.NaN : pick(SPECIAL_FLOATS);
      const pool = type === 'f32' ? F32_POOL : F64_POOL;
      const sign = next() % 2 ? -1 : 1;
      if (roll < 5) return sign * pick(pool);
      // random magnitudes; for f32 often a double that is not an f32 (ToWebAssemblyValue rounds it)
      const v = sign * (next() / 2 ** 32) * 2 ** ((next() % 80) - 40);
      return type === 'f32' && roll === 5 ? Math.fround(v) : v;
    }
    default:
      return null;
  }
}

/** @param {ValType} type */
function zeroArg(type) {
  switch (type) {
    case 'i32':
    case 'f32':
    case 'f64':
      return 0;
    case 'i64':
      return 0n;
    default:
      return null;
  }
}

/**
 * The calls to make: two rounds over the exported functions that JS can call.
 * @param {Uint8Array} bytes
 * @param {number} seed
 * @param {Profile} profile
 * @returns {Call[]}
 */
export function makePlan(bytes, seed, profile) {
  const { exports } = readSignatures(bytes);
  const next = prng(seed * 7919 + 17);
  /** @type {Call[]} */
  const calls = [];
  for (const round of [0, 1]) {
    for (const e of exports) {
      if (e.kind !== 'function' || e.name === HANG_LIMIT_EXPORT || !e.type) continue;
      if ([...e.type.params, ...e.type.results].includes('v128')) continue;
      const args = e.type.params.map((t) => (round === 0 ? zeroArg(t) : randomArg(t, next, profile)));
      calls.push({ export: e.name, args, type: e.type });
    }
  }
  return calls;
}

// ---- showing values ------------------------------------------------------------

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);
const f64Bits = new Float64Array(1);
const u64Bits = new BigUint64Array(f64Bits.buffer);

/** @param {number} v */
function bitsOf32(v) {
  f32Bits[0] = v;
  return u32Bits[0];
}
/** @param {number} v */
function bitsOf64(v) {
  f64Bits[0] = v;
  return u64Bits[0];
}

/**
 * A value as JS source text (arguments can be pasted into a reproduction).
 * @param {unknown} v
 * @returns {string}
 */
export function jsLiteral(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return `[function ${v.name}]`;
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(', ')}]`;
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  return `[${typeof v}]`;
}

/**
 * A value with its bits when a float (NaN payloads are visible where JS keeps them).
 * @param {unknown} v
 * @param {ValType | undefined} type
 */
export function showValue(v, type) {
  if (typeof v === 'number' && type === 'f32') return `${jsLiteral(v)} (f32 0x${bitsOf32(v).toString(16)})`;
  if (typeof v === 'number' && type === 'f64') return `${jsLiteral(v)} (f64 0x${bitsOf64(v).toString(16)})`;
  return jsLiteral(v);
}

/** @param {Call} call */
export function showCall(call) {
  return `${call.export}(${call.args.map(jsLiteral).join(', ')})`;
}

/** @param {Outcome} o @param {ValType[]} [results] */
export function showOutcome(o, results = []) {
  switch (o.kind) {
    case 'return':
      if (results.length > 1 && Array.isArray(o.value)) {
        return `returned [${o.value.map((v, i) => showValue(v, results[i])).join(', ')}]`;
      }
      return results.length === 0
        ? `returned ${jsLiteral(o.value)}`
        : `returned ${showValue(o.value, results[0])}`;
    case 'trap':
      return `trapped: RuntimeError: ${o.message}`;
    case 'stack-overflow':
      return `stack overflow: RangeError: ${o.message}`;
    default:
      return `threw ${o.name}: ${o.message}`;
  }
}

// ---- equality ------------------------------------------------------------------

/** @param {number} bits */
function isF32NaNBits(bits) {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0;
}
/** @param {bigint} bits */
function isF64NaNBits(bits) {
  return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0x000fffffffffffffn) !== 0n;
}

/**
 * `null` when equal (or excused, with a note pushed), else why not.
 * @param {unknown} a
 * @param {unknown} b
 * @param {ValType | undefined} type
 * @param {Profile} profile
 * @param {string[]} notes
 * @param {string} where
 * @returns {string | null}
 */
export function compareValue(a, b, type, profile, notes, where) {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return null;
    if (profile === 'raw' && type === 'i32' && isF32NaNBits(a >>> 0) && isF32NaNBits(b >>> 0)) {
      notes.push(
        `${where}: i32 0x${(a >>> 0).toString(16)} vs 0x${(b >>> 0).toString(16)}, both f32 NaN bits`,
      );
      return null;
    }
    return `${showValue(a, type)} vs ${showValue(b, type)}`;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (a === b) return null;
    const ua = BigInt.asUintN(64, a);
    const ub = BigInt.asUintN(64, b);
    if (profile === 'raw' && isF64NaNBits(ua) && isF64NaNBits(ub)) {
      notes.push(`${where}: i64 0x${ua.toString(16)} vs 0x${ub.toString(16)}, both f64 NaN bits`);
      return null;
    }
    return `${a}n vs ${b}n`;
  }
  if (typeof a === 'function' && typeof b === 'function') {
    return a.name === b.name ? null : `function ${a.name} vs function ${b.name}`;
  }
  if (a === b) return null;
  return `${jsLiteral(a)} (${typeof a}) vs ${jsLiteral(b)} (${typeof b})`;
}

/**
 * @param {Outcome} a
 * @param {Outcome} b
 * @param {ValType[]} results
 * @param {{ profile: Profile, trapMessages: boolean }} options
 * @param {string[]} notes
 * @param {string} where
 * @returns {{ category: string, detail: string } | null}
 */
function compareOutcome(a, b, results, options, notes, where) {
  if (a.kind !== b.kind) return { category: `${a.kind}-vs-${b.kind}`, detail: 'different outcomes' };
  if (a.kind === 'return' && b.kind === 'return') {
    if (results.length > 1) {
      if (!Array.isArray(a.value) || !Array.isArray(b.value) || a.value.length !== b.value.length) {
        return { category: 'value', detail: 'multi-value results are not arrays of the same length' };
      }
      for (let i = 0; i < results.length; i++) {
        const why = compareValue(
          a.value[i],
          b.value[i],
          results[i],
          options.profile,
          notes,
          `${where} result ${i}`,
        );
        if (why) return { category: 'value', detail: `result ${i}: ${why}` };
      }
      return null;
    }
    const why = compareValue(a.value, b.value, results[0], options.profile, notes, `${where} result`);
    return why ? { category: 'value', detail: why } : null;
  }
  if (a.kind === 'trap' && b.kind === 'trap') {
    return options.trapMessages && a.message !== b.message
      ? { category: 'trap-message', detail: `trap messages differ: "${a.message}" vs "${b.message}"` }
      : null;
  }
  if (a.kind === 'error' && b.kind === 'error') {
    return a.name !== b.name || a.message !== b.message
      ? { category: 'error', detail: `exceptions differ: ${a.name}: ${a.message} vs ${b.name}: ${b.message}` }
      : null;
  }
  return null;
}

/**
 * @param {LogEntry[]} a
 * @param {LogEntry[]} b
 * @param {Map<string, FuncType>} importTypes
 * @param {Profile} profile
 * @param {string[]} notes
 * @param {string} where
 * @returns {string | null}
 */
function compareLogs(a, b, importTypes, profile, notes, where) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i].name !== b[i].name) return `import call ${i}: ${a[i].name} vs ${b[i].name}`;
    const params = importTypes.get(a[i].name)?.params ?? [];
    for (let k = 0; k < Math.max(a[i].args.length, b[i].args.length); k++) {
      const why = compareValue(
        a[i].args[k],
        b[i].args[k],
        params[k],
        profile,
        notes,
        `${where} import call ${i}`,
      );
      if (why) return `import call ${i} (${a[i].name}) argument ${k}: ${why}`;
    }
  }
  if (a.length !== b.length) {
    const extra = a.length > b.length ? a[n] : b[n];
    return `${a.length} vs ${b.length} import calls; first unmatched: ${extra.name}(${extra.args.map(jsLiteral).join(', ')}) on the ${a.length > b.length ? 'first' : 'second'} engine`;
  }
  return null;
}

/** @param {Uint8Array} m @param {number} at */
function f32NaNAt(m, at) {
  return (
    at >= 0 &&
    at + 4 <= m.length &&
    isF32NaNBits((m[at] | (m[at + 1] << 8) | (m[at + 2] << 16) | (m[at + 3] << 24)) >>> 0)
  );
}
/** @param {Uint8Array} m @param {number} at */
function f64NaNAt(m, at) {
  if (at < 0 || at + 8 > m.length) return false;
  const hi = (m[at + 4] | (m[at + 5] << 8) | (m[at + 6] << 16) | (m[at + 7] << 24)) >>> 0;
  const lo = (m[at] | (m[at + 1] << 8) | (m[at + 2] << 16) | (m[at + 3] << 24)) >>> 0;
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0x000fffff) !== 0 || lo !== 0);
}

/** @param {Uint8Array} m @param {number} at */
function hexWindow(m, at) {
  const start = Math.max(0, at - 8);
  return `@0x${start.toString(16)}: ${Array.from(m.subarray(start, start + 24), (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * Byte comparison of two memories under the profile's rule; `null` when equal
 * or excused (one note per excused region), else the first difference.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @param {Profile} profile
 * @param {string[]} notes
 * @param {string} where
 * @returns {string | null}
 */
export function compareMemory(a, b, profile, notes, where) {
  if (a.length !== b.length) return `sizes differ: ${a.length} vs ${b.length} bytes`;
  if (Buffer.compare(a, b) === 0) return null;
  let excused = 0;
  let first = -1;
  for (let p = 0; p < a.length; p++) {
    if (a[p] === b[p]) continue;
    if (profile === 'raw') {
      let nan = false;
      for (let o = p - 3; o <= p && !nan; o++) nan = f32NaNAt(a, o) && f32NaNAt(b, o);
      for (let o = p - 7; o <= p && !nan; o++) nan = f64NaNAt(a, o) && f64NaNAt(b, o);
      if (nan) {
        if (excused++ === 0) first = p;
        continue;
      }
    }
    return `first difference at byte 0x${p.toString(16)}:\n      ${hexWindow(a, p)}\n      ${hexWindow(b, p)}`;
  }
  notes.push(
    `${where}: ${excused} memory bytes differ inside NaN encodings on both sides, first ${hexWindow(a, first)} vs ${hexWindow(b, first)}`,
  );
  return null;
}

// ---- running -------------------------------------------------------------------

/**
 * @param {Namespace} ns
 * @param {unknown} e
 * @returns {Outcome}
 */
function classify(ns, e) {
  if (e instanceof ns.RuntimeError) return { kind: 'trap', message: e.message };
  if (e instanceof RangeError && /call stack/i.test(e.message))
    return { kind: 'stack-overflow', message: e.message };
  if (e instanceof Error) return { kind: 'error', name: e.name, message: e.message };
  return { kind: 'error', name: typeof e, message: String(e) };
}

/**
 * @param {Namespace} ns
 * @param {() => unknown} fn
 * @returns {Outcome}
 */
function attempt(ns, fn) {
  try {
    return { kind: 'return', value: fn() };
  } catch (e) {
    return classify(ns, e);
  }
}

/**
 * Import object for the module: each function import records its calls and
 * returns zeros of its result types. Other kinds are not supported (binaryen's
 * fuzzer imports only functions).
 * @param {ReturnType<typeof readSignatures>['imports']} imports
 * @param {LogEntry[]} log
 */
function makeImports(imports, log) {
  /** @type {Record<string, Record<string, unknown>>} */
  const object = {};
  for (const imp of imports) {
    if (imp.kind !== 'function' || !imp.type)
      throw new Error(`unsupported import ${imp.module}.${imp.name} (${imp.kind})`);
    const results = imp.type.results.map(zeroArg);
    const name = `${imp.module}.${imp.name}`;
    object[imp.module] ??= {};
    object[imp.module][imp.name] = (/** @type {unknown[]} */ ...args) => {
      log.push({ name, args });
      return results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
    };
  }
  return object;
}

/**
 * The observable state after a step: exported memories, globals, tables.
 * @param {Record<string, any>} exports
 * @param {ReturnType<typeof readSignatures>['exports']} sigExports
 */
function snapshot(exports, sigExports) {
  /** @type {{ name: string, kind: string, value: unknown }[]} */
  const out = [];
  for (const e of sigExports) {
    const x = exports[e.name];
    try {
      if (e.kind === 'memory') out.push({ name: e.name, kind: 'memory', value: new Uint8Array(x.buffer) });
      else if (e.kind === 'global') out.push({ name: e.name, kind: 'global', value: x.value });
      else if (e.kind === 'table') {
        const entries = [];
        for (let i = 0; i < x.length; i++) {
          const v = x.get(i);
          entries.push(v === null ? 'null' : typeof v === 'function' ? `function ${v.name}` : typeof v);
        }
        out.push({ name: e.name, kind: 'table', value: entries.join(',') });
      }
    } catch (err) {
      out.push({ name: e.name, kind: `${e.kind} (unreadable)`, value: String(err) });
    }
  }
  return out;
}

/**
 * Compares the exported state of the two instances; `null` when equal.
 * @param {Record<string, any>[]} exports
 * @param {ReturnType<typeof readSignatures>['exports']} sigExports
 * @param {Profile} profile
 * @param {string[]} notes
 * @param {string} where
 * @param {string} when
 * @returns {{ category: string, detail: string } | null}
 */
function compareState(exports, sigExports, profile, notes, where, when) {
  const states = exports.map((x) => snapshot(x, sigExports));
  for (let k = 0; k < states[0].length; k++) {
    const a = states[0][k];
    const b = states[1][k];
    if (a.kind !== b.kind) {
      return {
        category: a.kind,
        detail: `export "${a.name}": ${a.kind} vs ${b.kind}: ${a.value} / ${b.value}`,
      };
    }
    let why = null;
    if (a.kind === 'memory') {
      const [ma, mb] = /** @type {[Uint8Array, Uint8Array]} */ ([a.value, b.value]);
      why = compareMemory(ma, mb, profile, notes, `${where} memory "${a.name}"`);
    } else if (a.kind === 'global') {
      why = compareValue(a.value, b.value, undefined, profile, notes, `${where} global "${a.name}"`);
    } else if (a.value !== b.value) {
      why = `${a.value} vs ${b.value}`;
    }
    if (why) return { category: a.kind, detail: `exported ${a.kind} "${a.name}" ${when}: ${why}` };
  }
  return null;
}

/**
 * Runs `bytes` on two engines in lockstep and compares; see the file comment.
 * @param {Uint8Array} bytes
 * @param {[Engine, Engine]} engines
 * @param {{ seed: number, profile: Profile, trapMessages?: boolean }} options
 * @returns {Result}
 */
export function runDifferential(bytes, engines, options) {
  const opts = { profile: options.profile, trapMessages: options.trapMessages ?? true };
  /** @type {string[]} */
  const notes = [];
  /** @type {Result['steps']} */
  const steps = [];
  const names = /** @type {[string, string]} */ (engines.map((e) => e.name));
  /** @param {Mismatch} mismatch @returns {Result} */
  const fail = (mismatch) => ({ verdict: 'mismatch', mismatch, notes, steps, engines: names });

  const sig = readSignatures(bytes);
  const importTypes = new Map(
    sig.imports.flatMap((i) => (i.type ? [[`${i.module}.${i.name}`, i.type]] : [])),
  );
  const plan = makePlan(bytes, options.seed, options.profile);

  // compile
  const modules = engines.map((e) => attempt(e.ns, () => new e.ns.Module(bytes.slice())));
  if (modules[0].kind !== 'return') {
    return {
      verdict: 'skipped',
      reason: `${names[0]} rejects the module: ${showOutcome(modules[0])}`,
      notes,
      steps,
      engines: names,
    };
  }
  if (modules[1].kind !== 'return') {
    return fail({
      category: 'compile',
      step: 'compile',
      call: null,
      detail: `${names[1]} ${showOutcome(modules[1])}`,
    });
  }

  // instantiate
  /** @type {LogEntry[][]} */
  const logs = [[], []];
  // made outside `attempt`: an import the harness cannot provide is its own error, not an outcome
  const importObjects = logs.map((log) => makeImports(sig.imports, log));
  const instances = engines.map((e, i) =>
    attempt(
      e.ns,
      () =>
        new e.ns.Instance(
          /** @type {object} */ (modules[i].kind === 'return' && modules[i].value),
          importObjects[i],
        ),
    ),
  );
  {
    const bothReturned = instances[0].kind === 'return' && instances[1].kind === 'return';
    const diff = bothReturned
      ? null
      : compareOutcome(instances[0], instances[1], [], opts, notes, 'instantiate');
    if (diff) {
      return fail({
        category: `instantiate-${diff.category}`,
        step: 'instantiate',
        call: null,
        detail: `${diff.detail}:\n    ${names[0]}: ${showOutcome(instances[0])}\n    ${names[1]}: ${showOutcome(instances[1])}`,
      });
    }
    const why = compareLogs(logs[0], logs[1], importTypes, opts.profile, notes, 'start');
    if (why) return fail({ category: 'log', step: 'instantiate', call: null, detail: why });
  }
  if (instances[0].kind !== 'return' || instances[1].kind !== 'return') {
    return { verdict: 'ok', reason: 'instantiation trapped on both', notes, steps, engines: names };
  }
  const exports = instances.map(
    (i) => /** @type {{ exports: Record<string, any> }} */ (i.kind === 'return' && i.value).exports,
  );
  const hangLimit = sig.exports.some((e) => e.name === HANG_LIMIT_EXPORT && e.kind === 'function');
  {
    // data and element segments, start function: the state before any call
    const state = compareState(
      exports,
      sig.exports,
      opts.profile,
      notes,
      'instantiate',
      'after instantiation',
    );
    if (state) {
      return fail({
        category: state.category,
        step: 'instantiate',
        call: null,
        detail: state.detail,
      });
    }
  }

  for (let index = 0; index < plan.length; index++) {
    const call = plan[index];
    const where = `step ${index} ${call.export}`;
    logs[0].length = 0;
    logs[1].length = 0;
    const outcomes = engines.map((e, i) =>
      attempt(e.ns, () => {
        if (hangLimit) exports[i][HANG_LIMIT_EXPORT]();
        return exports[i][call.export](...call.args);
      }),
    );
    steps.push({
      index,
      call: showCall(call),
      outcomes: [showOutcome(outcomes[0], call.type.results), showOutcome(outcomes[1], call.type.results)],
      logs: logs[0].length,
    });
    /** @param {string} category @param {string} detail */
    const mismatch = (category, detail) => fail({ category, step: index, call, detail });

    const diff = compareOutcome(outcomes[0], outcomes[1], call.type.results, opts, notes, where);
    if (diff) {
      return mismatch(
        diff.category,
        `${diff.detail}\n    ${names[0]}: ${steps[index].outcomes[0]}\n    ${names[1]}: ${steps[index].outcomes[1]}`,
      );
    }
    const why = compareLogs(logs[0], logs[1], importTypes, opts.profile, notes, where);
    if (why) return mismatch('log', why);

    const state = compareState(exports, sig.exports, opts.profile, notes, where, 'after the call');
    if (state) return mismatch(state.category, state.detail);
  }
  return { verdict: 'ok', notes, steps, engines: names };
}

/**
 * A human-readable report of a result, with what is needed to reproduce it.
 * @param {Result} result
 * @param {{ seed: number, profile: Profile, wasmPath?: string }} info
 */
export function formatResult(result, info) {
  const head = `seed ${info.seed} (${info.profile})`;
  if (result.verdict === 'ok')
    return `${head}: ok, ${result.steps.length} calls, ${result.notes.length} NaN notes`;
  if (result.verdict === 'skipped') return `${head}: skipped: ${result.reason}`;
  const m = /** @type {Mismatch} */ (result.mismatch);
  const lines = [`${head}: MISMATCH [${m.category}] ${result.engines[0]} vs ${result.engines[1]}`];
  if (typeof m.step === 'number' && m.call) {
    lines.push(
      `  at step ${m.step}: ${showCall(m.call)}${m.step > 0 ? ` (after ${m.step} earlier calls, listed below)` : ''}`,
    );
  } else {
    lines.push(`  at ${m.step}`);
  }
  lines.push(`  ${m.detail}`);
  if (info.profile === 'raw' && result.notes.length > 0) {
    lines.push(
      `  note: raw profile with ${result.notes.length} NaN-bit differences before this; if the difference comes from NaN payloads flowing further, the spec allows it — compare with the denan profile of the same seed`,
    );
  }
  if (info.wasmPath) lines.push(`  module: ${info.wasmPath}`);
  if (typeof m.step === 'number' && m.step > 0) {
    lines.push('  calls before it (each after hangLimitInitializer()):');
    for (const s of result.steps.slice(0, m.step))
      lines.push(`    ${s.index}: ${s.call} -> ${s.outcomes[0]}`);
  }
  return lines.join('\n');
}
