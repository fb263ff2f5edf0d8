/**
 * What a worker does, and what the inline pool does on the calling thread:
 * compile a batch's bodies one after another with `compileFunction`. Pure
 * apart from the env cache, which only saves sending a ModuleEnv twice.
 *
 * The reported error is the invalid body with the lowest function index, so
 * the answer does not depend on how bodies were ordered or grouped; bodies
 * after a known error in index order are skipped, the ones before it are not.
 */
import { type FunctionBody, type ModuleEnv, WasmError } from '@wasmloom/binary';
import { compileFunction, validateFunction } from '@wasmloom/compiler';
import type { CompileErrorInfo } from './pool.js';
import { type CompileTask, type TaskReply, unpackBodies } from './protocol.js';

/**
 * Compiles `bodies` against `env`: every source by position, or the first
 * invalid function; `validateOnly`: no sources, only the first invalid function.
 */
export function compileBodies(
  env: ModuleEnv,
  bodies: readonly FunctionBody[],
  validateOnly = false,
): Exclude<TaskReply, { type: 'needEnv' }> {
  const sources: string[] = new Array(validateOnly ? 0 : bodies.length);
  let error: CompileErrorInfo | undefined;
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    if (error !== undefined && body.index > error.funcIndex) continue;
    try {
      if (validateOnly) validateFunction(env, body.index, body);
      else sources[i] = compileFunction(env, body.index, body);
    } catch (e) {
      // A WasmError is the module's fault; anything else is a compiler bug and propagates.
      if (!isWasmError(e)) throw e;
      if (error === undefined || body.index < error.funcIndex) {
        error = { kind: e.kind, message: e.message, offset: e.offset, funcIndex: e.funcIndex ?? body.index };
      }
    }
  }
  return error === undefined ? { type: 'compiled', sources } : { type: 'invalid', error };
}

// Duck-typed too, in case a bundle ends up with two copies of @wasmloom/binary.
function isWasmError(e: unknown): e is WasmError {
  return (
    e instanceof WasmError ||
    (e instanceof Error && e.name === 'WasmError' && typeof (e as WasmError).offset === 'number')
  );
}

// ---- The worker's env cache ----------------------------------------------------------

/**
 * Envs this thread has been sent, least recently used first. Bounded so that a
 * long-lived worker cannot pile up envs whose release it never heard of.
 */
const envs = new Map<string, ModuleEnv>();
export const MAX_CACHED_ENVS = 16;

function rememberEnv(envId: string, env: ModuleEnv): void {
  envs.delete(envId);
  envs.set(envId, env);
  if (envs.size > MAX_CACHED_ENVS) envs.delete(envs.keys().next().value as string);
}

function lookupEnv(envId: string): ModuleEnv | undefined {
  const env = envs.get(envId);
  if (env !== undefined) {
    envs.delete(envId);
    envs.set(envId, env);
  }
  return env;
}

/** Compiles (or validates) `bodies` of module `envId` if this thread has its env; else undefined. */
export function compileBatch(
  envId: string,
  bodies: readonly FunctionBody[],
  validateOnly = false,
): TaskReply | undefined {
  const env = lookupEnv(envId);
  return env === undefined ? undefined : compileBodies(env, bodies, validateOnly);
}

/** One task as a worker receives it, whatever carried it there. */
export function runTask(task: CompileTask): TaskReply {
  for (const id of task.dropped) envs.delete(id);
  if (task.env !== undefined) rememberEnv(task.envId, task.env);
  return (
    compileBatch(task.envId, unpackBodies(task.packed), task.validateOnly === true) ?? {
      type: 'needEnv',
      packed: task.packed,
    }
  );
}
