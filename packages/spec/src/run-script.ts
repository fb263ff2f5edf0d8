/**
 * Runs one script (wast2json's JSON, or a `.wast` read by `wast-commands.ts`)
 * against a `WebAssembly`-like namespace. Every command is isolated: an
 * exception fails that command only, a module that does not load fails the
 * commands that use it, and the run goes on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebAssemblyLike } from './namespace.js';
import { createSpectest } from './spectest.js';
import { TextRejected } from './text-rejected.js';
import {
  HostRefs,
  INVOKE_RAW,
  type InvokeRaw,
  type JsonValue,
  matchJsValue,
  matchRawValue,
  needsRaw,
  type RawValue,
  toJsArg,
  toRawArg,
  UnsupportedValue,
} from './values.js';

export interface WastAction {
  type: string;
  module?: string;
  field: string;
  args?: JsonValue[];
}

export interface WastCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  module_type?: string;
  text?: string;
  action?: WastAction;
  expected?: JsonValue[];
  either?: JsonValue[];
  /** `module_instance`: the definition it instantiates (`name` is the instance's). */
  module?: string;
  /** The module is a `module definition` (compiled, not instantiated). */
  definition?: boolean;
  /** Why the runner cannot perform this command (counted as not run). */
  notRun?: string;
}

export interface WastScript {
  source_filename?: string;
  /**
   * Text-format modules come as bytes from a text parser (the `.wast` reader).
   * When false (wast2json), text-format assertions are counted but not run.
   */
  textParsed?: boolean;
  commands: WastCommand[];
}

export interface Failure {
  line: number;
  command: string;
  reason: string;
}

export interface CommandCounts {
  passed: number;
  failed: number;
  /** Text-format modules (assert_malformed / assert_invalid): need a text parser, not run. */
  text: number;
  /** Commands the runner or the text parser cannot perform (reasons in `notRunReasons`). */
  notRun?: number;
}

export interface ScriptResult {
  passed: number;
  failed: number;
  /** Text-format assert_malformed / assert_invalid commands, counted but not run. */
  textNotRun: number;
  /** Commands that cannot be performed, by reason (a construct the parser or runner lacks). */
  notRun: number;
  notRunReasons: Record<string, number>;
  /** passed + failed + textNotRun + notRun: every command of the script. */
  total: number;
  /** The same counts per command type. */
  byCommand: Record<string, CommandCounts>;
  failures: Failure[];
  /** Set when the script stopped early (time budget); the rest counted as failed. */
  aborted?: string;
  timeMs: number;
}

export interface RunScriptOptions {
  /** Directory holding the script's `.wasm` files (unless `readModule` is given). */
  dir?: string;
  /** The module bytes of a command; throws `TextRejected` for a text module the parser rejected. */
  readModule?: (filename: string) => Uint8Array;
  /** Use the namespace's raw-invoke hook when it has one (default true). */
  useRawHook?: boolean;
  /** Stop running commands after this many milliseconds; the rest count as failed. */
  timeLimitMs?: number;
  /** Keep at most this many failure records (default: all). Counts are always complete. */
  maxFailures?: number;
}

/** Whether a command is about a text-format module that no parser has turned into bytes (not run). */
export function isTextModuleCommand(cmd: WastCommand, script: WastScript): boolean {
  return cmd.module_type === 'text' && !script.textParsed;
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const name = e.name || e.constructor?.name || 'Error';
    const msg = String(e.message).split('\n')[0];
    return `${name}: ${msg.length > 300 ? `${msg.slice(0, 300)}…` : msg}`;
  }
  try {
    return `thrown ${typeof e}: ${String(e)}`;
  } catch {
    return `thrown ${typeof e}`;
  }
}

interface Loaded {
  line: number;
  exports?: Record<string, unknown>;
  /** Why the module is not available. */
  error?: string;
}

type CallResult = { raw: true; values: RawValue[] } | { raw: false; value: unknown };

/** Thrown by command handlers: the command failed for this reason. */
class Fail extends Error {}

function fail(reason: string): never {
  throw new Fail(reason);
}

/** Thrown by command handlers: the command cannot be performed (not the engine's doing). */
class NotRun extends Error {}

class ScriptRun {
  private readonly named = new Map<string, Loaded>();
  /** `module definition`s by name: compiled modules, or why they did not compile. */
  private readonly definitions = new Map<string, { line: number; module?: object; error?: string }>();
  private current: Loaded | undefined;
  /** Modules importable by name: `spectest` and registered ones. */
  private readonly registry = new Map<string, object>();
  private readonly refs = new HostRefs();
  private readonly hook: InvokeRaw | undefined;

  constructor(
    private readonly ns: WebAssemblyLike,
    private readonly opts: RunScriptOptions,
  ) {
    const hook = (ns as unknown as Record<symbol, unknown>)[INVOKE_RAW];
    this.hook = opts.useRawHook !== false && typeof hook === 'function' ? (hook as InvokeRaw) : undefined;
    this.registry.set('spectest', createSpectest(ns));
  }

  /** Runs one command: returns normally when it passed, throws when it failed. */
  run(cmd: WastCommand): void {
    switch (cmd.type) {
      case 'module':
        this.module(cmd);
        break;
      case 'module_definition':
        this.moduleDefinition(cmd);
        break;
      case 'module_instance':
        this.moduleInstance(cmd);
        break;
      case 'register':
        this.register(cmd);
        break;
      case 'action':
        this.callOrFail(this.action(cmd), cmd.expected ?? []);
        break;
      case 'assert_return':
        this.assertReturn(cmd);
        break;
      case 'assert_trap':
        this.assertThrows(cmd, 'RuntimeError', (e) => e instanceof this.ns.RuntimeError);
        break;
      case 'assert_exhaustion':
        this.assertThrows(cmd, 'RangeError (call stack exhaustion)', (e) => e instanceof RangeError);
        break;
      case 'assert_exception': {
        const Exc = this.ns.Exception;
        if (!Exc) fail('the namespace has no WebAssembly.Exception');
        this.assertThrows(cmd, 'WebAssembly.Exception', (e) => e instanceof Exc);
        break;
      }
      case 'assert_invalid':
        this.assertNotCompiling(cmd);
        break;
      case 'assert_malformed':
        this.assertMalformed(cmd);
        break;
      case 'assert_unlinkable':
        this.assertNotInstantiating(cmd, 'LinkError', this.ns.LinkError);
        break;
      case 'assert_uninstantiable':
        this.assertNotInstantiating(cmd, 'RuntimeError', this.ns.RuntimeError);
        break;
      default:
        fail(`unknown command type ${cmd.type}`);
    }
  }

  // ---- modules ----------------------------------------------------------------

  private bytes(cmd: WastCommand): Uint8Array {
    const file = cmd.filename;
    if (!file) fail('command without a module file');
    if (!this.opts.readModule) return readFileSync(join(this.opts.dir ?? '.', file));
    try {
      return this.opts.readModule(file);
    } catch (e) {
      if (e instanceof TextRejected) throw new NotRun(`the text parser rejects the module: ${e.message}`);
      throw e;
    }
  }

  private compile(bytes: Uint8Array): object {
    try {
      return new this.ns.Module(bytes);
    } catch (e) {
      fail(`compiling failed: ${describeError(e)}`);
    }
  }

  private importObject(module: object): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const imp of this.ns.Module.imports(module)) {
      // An unknown module gives an empty object, so a missing import is a LinkError (not a TypeError).
      if (!(imp.module in out)) out[imp.module] = this.registry.get(imp.module) ?? {};
    }
    return out;
  }

  private instantiate(module: object): Record<string, unknown> {
    const instance = new this.ns.Instance(module, this.importObject(module)) as {
      exports: Record<string, unknown>;
    };
    return instance.exports;
  }

  private setCurrent(cmd: WastCommand, loaded: Loaded): void {
    this.current = loaded;
    if (cmd.name) this.named.set(cmd.name, loaded);
  }

  private module(cmd: WastCommand): void {
    let reason: string;
    try {
      const module = this.compile(this.bytes(cmd));
      try {
        this.setCurrent(cmd, { line: cmd.line, exports: this.instantiate(module) });
        return;
      } catch (e) {
        reason = `instantiating failed: ${describeError(e)}`;
      }
    } catch (e) {
      if (e instanceof NotRun) {
        this.setCurrent(cmd, { line: cmd.line, error: e.message });
        throw e;
      }
      reason = e instanceof Fail ? e.message : describeError(e);
    }
    this.setCurrent(cmd, { line: cmd.line, error: reason });
    fail(reason);
  }

  private moduleDefinition(cmd: WastCommand): void {
    const def: { line: number; module?: object; error?: string } = { line: cmd.line };
    if (cmd.name) this.definitions.set(cmd.name, def);
    try {
      def.module = this.compile(this.bytes(cmd));
    } catch (e) {
      def.error = e instanceof Error ? e.message : describeError(e);
      throw e;
    }
  }

  private moduleInstance(cmd: WastCommand): void {
    const def = cmd.module === undefined ? undefined : this.definitions.get(cmd.module);
    if (!def) fail(`unknown module definition ${cmd.module ?? '(none named)'}`);
    if (!def.module) fail(`module definition of line ${def.line} is not available (${def.error})`);
    try {
      this.setCurrent(cmd, { line: cmd.line, exports: this.instantiate(def.module) });
    } catch (e) {
      const reason = `instantiating failed: ${describeError(e)}`;
      this.setCurrent(cmd, { line: cmd.line, error: reason });
      fail(reason);
    }
  }

  private lookup(name: string | undefined): Record<string, unknown> {
    const loaded = name === undefined ? this.current : this.named.get(name);
    if (!loaded) fail(name === undefined ? 'no module loaded' : `unknown module ${name}`);
    if (!loaded.exports) fail(`module of line ${loaded.line} is not available (it failed to load)`);
    return loaded.exports;
  }

  private register(cmd: WastCommand): void {
    if (!cmd.as) fail('register without `as`');
    this.registry.set(cmd.as, this.lookup(cmd.name));
  }

  private assertNotCompiling(cmd: WastCommand): void {
    const bytes = this.bytes(cmd);
    const problems: string[] = [];
    try {
      const valid = this.ns.validate(bytes);
      if (valid !== false) problems.push(`validate() returned ${String(valid)}`);
    } catch (e) {
      problems.push(`validate() threw ${describeError(e)}`);
    }
    try {
      new this.ns.Module(bytes);
      problems.push('new Module() succeeded');
    } catch (e) {
      if (!(e instanceof this.ns.CompileError))
        problems.push(`new Module() threw ${describeError(e)}, not CompileError`);
    }
    if (problems.length) fail(`expected "${cmd.text}": ${problems.join('; ')}`);
  }

  /**
   * A malformed text module is the text parser's to reject, as the reference
   * interpreter rejects it while parsing: it passes when the parser rejects it.
   * One the parser accepts is not run (the engine only sees valid text's bytes).
   * A malformed binary module is the engine's to reject.
   */
  private assertMalformed(cmd: WastCommand): void {
    if (cmd.module_type !== 'text' || !this.opts.readModule) {
      this.assertNotCompiling(cmd);
      return;
    }
    try {
      this.opts.readModule(cmd.filename ?? '');
    } catch (e) {
      if (e instanceof TextRejected) return;
      throw e;
    }
    throw new NotRun(`the text parser accepts this text, malformed for the spec ("${cmd.text}")`);
  }

  private assertNotInstantiating(
    cmd: WastCommand,
    what: string,
    ErrorClass: WebAssemblyLike['LinkError'],
  ): void {
    const module = this.compile(this.bytes(cmd));
    let exports: Record<string, unknown>;
    try {
      exports = this.instantiate(module);
    } catch (e) {
      if (e instanceof ErrorClass) return;
      fail(`expected ${what} ("${cmd.text}"), got ${describeError(e)}`);
    }
    void exports;
    fail(`expected ${what} ("${cmd.text}"), but the module instantiated`);
  }

  // ---- actions ------------------------------------------------------------------

  private action(cmd: WastCommand): WastAction {
    if (!cmd.action) fail('command without an action');
    return cmd.action;
  }

  /** Performs an action; `expected` gives the result types (for the raw hook and v128 checks). */
  private call(action: WastAction, expected: readonly JsonValue[]): CallResult {
    const exports = this.lookup(action.module);
    const target = exports[action.field];
    if (action.type === 'get') {
      if (target === undefined) fail(`no export "${action.field}"`);
      const G = this.ns.Global;
      const value = G && target instanceof G ? (target as { value: unknown }).value : target;
      return { raw: false, value };
    }
    if (action.type !== 'invoke') fail(`unknown action type ${action.type}`);
    if (typeof target !== 'function') fail(`export "${action.field}" is not a function`);
    const args = action.args ?? [];
    if (this.hook) {
      const rawArgs = args.map((a) => toRawArg(a, this.refs));
      const values = this.hook(
        target,
        rawArgs,
        expected.map((v) => v.type),
      );
      return { raw: true, values };
    }
    if (needsRaw(args) || needsRaw(expected)) {
      throw new UnsupportedValue('v128 cannot cross the JS boundary (needs the invokeRaw hook)');
    }
    const jsArgs = args.map((a) => toJsArg(a, this.refs));
    return { raw: false, value: (target as (...a: unknown[]) => unknown)(...jsArgs) };
  }

  /** Null when `result` matches `expected`, else the reason. */
  private compare(result: CallResult, expected: readonly JsonValue[]): string | null {
    if (result.raw) {
      if (!Array.isArray(result.values)) return 'invokeRaw hook did not return an array';
      if (result.values.length !== expected.length) {
        return `expected ${expected.length} results, got ${result.values.length}`;
      }
      const reasons = expected.map((e, i) => matchRawValue(e, result.values[i], this.refs));
      const bad = reasons.findIndex((r) => r !== null);
      return bad < 0 ? null : expected.length > 1 ? `result ${bad}: ${reasons[bad]}` : reasons[bad];
    }
    const value = result.value;
    if (expected.length === 0) return value === undefined ? null : 'expected no result';
    if (expected.length === 1) return matchJsValue(expected[0], value, this.refs);
    if (!Array.isArray(value) || value.length !== expected.length) {
      return `expected an array of ${expected.length} results`;
    }
    const reasons = expected.map((e, i) => matchJsValue(e, value[i], this.refs));
    const bad = reasons.findIndex((r) => r !== null);
    return bad < 0 ? null : `result ${bad}: ${reasons[bad]}`;
  }

  private assertReturn(cmd: WastCommand): void {
    const action = this.action(cmd);
    if (cmd.either) {
      // Any one of the alternatives (each a single result) may come out.
      const result = this.callOrFail(action, cmd.either.slice(0, 1));
      const reasons = cmd.either.map((alt) => this.compare(result, [alt]));
      if (reasons.some((r) => r === null)) return;
      fail(`none of ${reasons.length} alternatives: ${reasons.join(' | ')}`);
    }
    const expected = cmd.expected ?? [];
    const reason = this.compare(this.callOrFail(action, expected), expected);
    if (reason !== null) fail(reason);
  }

  private callOrFail(action: WastAction, expected: readonly JsonValue[]): CallResult {
    try {
      return this.call(action, expected);
    } catch (e) {
      if (e instanceof Fail || e instanceof UnsupportedValue) throw e;
      fail(`threw ${describeError(e)}`);
    }
  }

  private assertThrows(cmd: WastCommand, what: string, isExpected: (e: unknown) => boolean): void {
    const action = this.action(cmd);
    let result: CallResult;
    try {
      result = this.call(action, cmd.expected ?? []);
    } catch (e) {
      if (e instanceof Fail || e instanceof UnsupportedValue) throw e;
      if (isExpected(e)) return;
      fail(`expected ${what}${cmd.text ? ` ("${cmd.text}")` : ''}, got ${describeError(e)}`);
    }
    void result;
    fail(`expected ${what}${cmd.text ? ` ("${cmd.text}")` : ''}, but it returned`);
  }
}

/** The counts of one command type, created on first use. */
function countsFor(result: ScriptResult, type: string): CommandCounts {
  let counts = result.byCommand[type];
  if (!counts) {
    counts = { passed: 0, failed: 0, text: 0 };
    result.byCommand[type] = counts;
  }
  return counts;
}

/** Counts a command that cannot be performed, with its reason. */
function countNotRun(result: ScriptResult, type: string, reason: string): void {
  result.notRun++;
  const counts = countsFor(result, type);
  counts.notRun = (counts.notRun ?? 0) + 1;
  result.notRunReasons[reason] = (result.notRunReasons[reason] ?? 0) + 1;
}

/** Runs every command of `script`; never throws. */
export function runScript(
  script: WastScript,
  ns: WebAssemblyLike,
  opts: RunScriptOptions = {},
): ScriptResult {
  const start = performance.now();
  const result: ScriptResult = {
    passed: 0,
    failed: 0,
    textNotRun: 0,
    notRun: 0,
    notRunReasons: {},
    total: 0,
    byCommand: {},
    failures: [],
    timeMs: 0,
  };
  const maxFailures = opts.maxFailures ?? Number.POSITIVE_INFINITY;
  const record = (cmd: WastCommand, reason: string | null) => {
    const counts = countsFor(result, cmd.type);
    if (reason === null) {
      result.passed++;
      counts.passed++;
    } else {
      result.failed++;
      counts.failed++;
      if (result.failures.length < maxFailures)
        result.failures.push({ line: cmd.line, command: cmd.type, reason });
    }
  };

  let state: ScriptRun | undefined;
  let setupError: string | undefined;
  try {
    state = new ScriptRun(ns, opts);
  } catch (e) {
    setupError = `runner setup failed: ${describeError(e)}`;
  }

  for (const cmd of script.commands) {
    result.total++;
    if (isTextModuleCommand(cmd, script)) {
      result.textNotRun++;
      countsFor(result, cmd.type).text++;
      continue;
    }
    if (cmd.notRun !== undefined) {
      countNotRun(result, cmd.type, cmd.notRun);
      continue;
    }
    if (result.aborted || setupError || !state) {
      record(cmd, result.aborted ?? setupError ?? 'no runner');
      continue;
    }
    if (opts.timeLimitMs !== undefined && performance.now() - start > opts.timeLimitMs) {
      result.aborted = `script time limit of ${opts.timeLimitMs} ms exceeded; not run`;
      record(cmd, result.aborted);
      continue;
    }
    let reason: string | null = null;
    try {
      state.run(cmd);
    } catch (e) {
      if (e instanceof NotRun) {
        countNotRun(result, cmd.type, e.message);
        continue;
      }
      if (e instanceof Fail) reason = e.message;
      else if (e instanceof UnsupportedValue) reason = e.message;
      else reason = `runner error: ${describeError(e)}`;
    }
    record(cmd, reason);
  }
  result.timeMs = performance.now() - start;
  return result;
}

/** The result of a script none of whose commands could run (text-format ones still count as not run). */
export function failedScript(script: WastScript, reason: string, timeMs = 0): ScriptResult {
  const result: ScriptResult = {
    passed: 0,
    failed: 0,
    textNotRun: 0,
    notRun: 0,
    notRunReasons: {},
    total: 0,
    byCommand: {},
    failures: [{ line: 0, command: 'script', reason }],
    aborted: reason,
    timeMs,
  };
  for (const cmd of script.commands) {
    result.total++;
    const counts = countsFor(result, cmd.type);
    if (isTextModuleCommand(cmd, script)) {
      result.textNotRun++;
      counts.text++;
    } else if (cmd.notRun !== undefined) {
      countNotRun(result, cmd.type, cmd.notRun);
    } else {
      result.failed++;
      counts.failed++;
    }
  }
  return result;
}
