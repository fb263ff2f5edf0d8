/** One script run as a unit of work, the same in-process and in a worker thread. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FeatureSet, NamespaceProvider, WebAssemblyLike } from './namespace.js';
import { type EngineName, providerFor } from './providers.js';
import { describeError, failedScript, runScript, type ScriptResult, type WastScript } from './run-script.js';

export interface ScriptTask {
  id: number;
  engine: EngineName;
  features: FeatureSet;
  jsonPath: string;
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

export async function runTask(task: ScriptTask, cache: NamespaceCache): Promise<ScriptResult> {
  const script = readScript(task.jsonPath);
  let ns: WebAssemblyLike;
  try {
    ns = await cache.get(task.engine, task.features);
  } catch (e) {
    return failedScript(script, `cannot create the ${task.engine} namespace: ${describeError(e)}`);
  }
  return runScript(script, ns, {
    dir: dirname(task.jsonPath),
    useRawHook: task.useRawHook,
    timeLimitMs: task.timeLimitMs,
    maxFailures: task.maxFailures,
  });
}
