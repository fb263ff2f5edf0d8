/**
 * A `.wast` script made ready to run: its commands read, its text modules
 * parsed to bytes and its float literals encoded, so that `runScript` runs it
 * exactly as it runs a wast2json script.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ExternalKind, parseModule, resolveFeatures, valTypeName } from '@wasmloom/binary';
import type { RunScriptOptions, WastCommand, WastScript } from './run-script.js';
import { TextRejected } from './text-rejected.js';
import { REF_TYPES } from './values.js';
import { readWast, type WastScriptSource } from './wast-commands.js';
import { encodeFloats, parseWat } from './wat.js';

export interface PreparedWast {
  script: WastScript;
  readModule: NonNullable<RunScriptOptions['readModule']>;
}

/** The commands of the `.wast` file at `path` (nothing parsed yet: enough to count them). */
export function readWastFile(path: string): WastScriptSource {
  return readWast(readFileSync(path, 'utf8'), basename(path));
}

/** Encodes what `readWast` left: float literals in place, modules to bytes (or the parser's rejection). */
export async function prepareWast(source: WastScriptSource): Promise<PreparedWast> {
  const bits = await encodeFloats(source.floats);
  source.floats.forEach((f, i) => {
    const b = bits[i];
    if (b instanceof TextRejected) f.command.notRun ??= `the text parser rejects ${b.message}`;
    else f.assign(b.toString());
  });
  const modules = new Map<string, Uint8Array | TextRejected>();
  for (const [name, src] of source.sources) {
    if ('bytes' in src) modules.set(name, src.bytes);
    else if ('rejected' in src) modules.set(name, new TextRejected(src.rejected));
    else {
      try {
        modules.set(name, await parseWat(src.text));
      } catch (e) {
        if (!(e instanceof TextRejected)) throw e;
        modules.set(name, e);
      }
    }
  }
  addResultTypes(source.commands, modules);
  const { sources: _s, floats: _f, ...script } = source;
  return {
    script,
    readModule(filename) {
      const m = modules.get(filename);
      if (m === undefined) throw new Error(`no module ${filename} in the script`);
      if (m instanceof TextRejected) throw m;
      return m;
    },
  };
}

const ALL_FEATURES = resolveFeatures({
  simd: true,
  exceptions: true,
  memory64: true,
  multiMemory: true,
  gc: true,
});

/** The result types of each exported function of a module (none when it does not decode). */
function exportedResults(bytes: Uint8Array): Map<string, string[]> {
  const out = new Map<string, string[]>();
  try {
    const { module, env } = parseModule(bytes, { features: ALL_FEATURES, keepBodies: false });
    for (const e of module.exports) {
      const type = e.kind === ExternalKind.func ? env.types[env.funcs[e.index]] : undefined;
      if (type?.kind === 'func') out.set(e.name, type.results.map(valTypeName));
    }
  } catch {}
  return out;
}

/**
 * Gives the invokes of assert_trap, assert_exhaustion, assert_exception and
 * plain actions their result types as `expected`, as wast2json does, and
 * assert_return's reference results their declared type (a raw-invoke hook
 * that does not know the function's type needs them). Follows which module is
 * current and which names are defined, as running the script will.
 */
function addResultTypes(commands: WastCommand[], modules: Map<string, Uint8Array | TextRejected>): void {
  const results = new Map<string, Map<string, string[]>>();
  const resultsOf = (filename: string | undefined) => {
    const bytes = filename === undefined ? undefined : modules.get(filename);
    if (!(bytes instanceof Uint8Array) || filename === undefined) return undefined;
    let r = results.get(filename);
    if (!r) {
      r = exportedResults(bytes);
      results.set(filename, r);
    }
    return r;
  };
  const named = new Map<string, string>();
  let current: string | undefined;
  for (const cmd of commands) {
    if (cmd.type === 'module' || cmd.type === 'module_definition') {
      if (cmd.name && cmd.filename) named.set(cmd.name, cmd.filename);
      if (cmd.type === 'module') current = cmd.filename;
    } else if (cmd.type === 'module_instance') {
      current = cmd.module === undefined ? undefined : named.get(cmd.module);
      if (cmd.name && current) named.set(cmd.name, current);
    }
    const a = cmd.action;
    if (a?.type !== 'invoke') continue;
    const types = resultsOf(a.module === undefined ? current : named.get(a.module))?.get(a.field);
    if (!types) continue;
    if (cmd.type !== 'assert_return') {
      if (!cmd.expected?.length) cmd.expected = types.map((type) => ({ type }));
      continue;
    }
    // A reference result takes the declared type when JS has a name for it (`(ref.null)` has none).
    cmd.expected?.forEach((v, i) => {
      if (REF_TYPES.has(v.type) && REF_TYPES.has(types[i] ?? '')) v.type = types[i];
    });
  }
}
