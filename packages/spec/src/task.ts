/** One script run as a unit of work, the same in-process and in a worker thread. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FeatureSet, NamespaceProvider, WebAssemblyLike } from './namespace.js';
import { type EngineName, providerFor } from './providers.js';
import {
  describeError,
  failedScript,
  type RunScriptOptions,
  runScript,
  type ScriptResult,
  type WastScript,
} from './run-script.js';

/** A wast2json script (the 2.0 suite) or a `.wast` read by the runner itself (the 3.0 suite). */
export type ScriptFormat = 'json' | 'wast';

export interface ScriptTask {
  id: number;
  engine: EngineName;
  features: FeatureSet;
  format: ScriptFormat;
  path: string;
  timeLimitMs: number;
  useRawHook: boolean;
  maxFailures: number;
}

export interface TaskReply {
  id: number;
  result: ScriptResult;
}

/** One provider per engine; each task asks it for its namespace (which may set process-wide V8 flags). */
export class NamespaceCache {
  private readonly providers = new Map<EngineName, NamespaceProvider>();

  get(engine: EngineName, features: FeatureSet): WebAssemblyLike | Promise<WebAssemblyLike> {
    let provider = this.providers.get(engine);
    if (!provider) {
      provider = providerFor(engine);
      this.providers.set(engine, provider);
    }
    return provider(features);
  }
}

export function readScript(jsonPath: string): WastScript {
  return JSON.parse(readFileSync(jsonPath, 'utf8')) as WastScript;
}

/** The wast reader and the WAT parser are loaded only for `.wast` scripts. */
const wastScript = () => import('./wast-script.js');

/** A task's script with its commands, enough to count them (a `.wast` that does not read has none). */
export async function readTaskScript(task: Pick<ScriptTask, 'format' | 'path'>): Promise<WastScript> {
  if (task.format === 'json') return readScript(task.path);
  try {
    return (await wastScript()).readWastFile(task.path);
  } catch {
    return { commands: [] };
  }
}

/** The script of a task ready to run, or why it cannot run at all. */
async function loadTask(
  task: ScriptTask,
): Promise<{ script: WastScript; opts: RunScriptOptions } | { script: WastScript; error: string }> {
  if (task.format === 'json') return { script: readScript(task.path), opts: { dir: dirname(task.path) } };
  const { readWastFile, prepareWast } = await wastScript();
  let source: ReturnType<typeof readWastFile>;
  try {
    source = readWastFile(task.path);
  } catch (e) {
    return { script: { commands: [] }, error: `the script does not read: ${describeError(e)}` };
  }
  try {
    const prepared = await prepareWast(source);
    return { script: prepared.script, opts: { readModule: prepared.readModule } };
  } catch (e) {
    return { script: source, error: `cannot prepare the script's modules: ${describeError(e)}` };
  }
}

export async function runTask(task: ScriptTask, cache: NamespaceCache): Promise<ScriptResult> {
  const loaded = await loadTask(task);
  if ('error' in loaded) return failedScript(loaded.script, loaded.error);
  let ns: WebAssemblyLike;
  try {
    ns = await cache.get(task.engine, task.features);
  } catch (e) {
    return failedScript(loaded.script, `cannot create the ${task.engine} namespace: ${describeError(e)}`);
  }
  return runScript(loaded.script, ns, {
    ...loaded.opts,
    useRawHook: task.useRawHook,
    timeLimitMs: task.timeLimitMs,
    maxFailures: task.maxFailures,
  });
}
