/**
 * Failures of the pool itself (never of the wasm being compiled: an invalid
 * body is `CompiledBatch.error`). One class with a `code`, made by the
 * factories below so that every message says what happened to which work.
 */
export type PoolErrorCode =
  | 'WORKER_CRASHED'
  | 'WORKER_OUT_OF_MEMORY'
  | 'INTERNAL_ERROR'
  | 'POOL_CLOSED'
  | 'ENV_RELEASED'
  | 'UNKNOWN_ENV';

export class PoolError extends Error {
  readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PoolError';
    this.code = code;
  }
}

/** "functions 3..17" or "function 3": what a failed batch was working on. */
export function describeWork(indices: readonly number[]): string {
  if (indices.length === 0) return 'an empty batch';
  let lo = indices[0];
  let hi = lo;
  for (const i of indices) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return lo === hi ? `function ${lo}` : `${indices.length} functions in ${lo}..${hi}`;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

export const PoolErrors = {
  workerCrashed: (work: string, cause: unknown) =>
    new PoolError(
      'WORKER_CRASHED',
      `compile worker died while compiling ${work} (${causeText(cause)})`,
      cause,
    ),
  workerOutOfMemory: (work: string, cause: unknown) =>
    new PoolError('WORKER_OUT_OF_MEMORY', `compile worker ran out of memory while compiling ${work}`, cause),
  /** The compiler threw something other than a WasmError: a bug in wasmloom, not in the module. */
  internal: (work: string, cause: unknown) =>
    new PoolError('INTERNAL_ERROR', `internal error while compiling ${work}: ${causeText(cause)}`, cause),
  closed: () => new PoolError('POOL_CLOSED', 'compile pool is closed'),
  released: (envId: string) =>
    new PoolError('ENV_RELEASED', `module ${envId} was released from the compile pool`),
  unknownEnv: (envId: string) =>
    new PoolError('UNKNOWN_ENV', `module ${envId} is not open in this compile pool`),
};

/** A rejection from the layer that runs tasks (piscina, comlink), told apart by what it says. */
export function classifyWorkerFailure(work: string, cause: unknown): PoolError {
  if (cause instanceof PoolError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return PoolErrors.workerOutOfMemory(work, cause);
  const msg = causeText(cause);
  if (/worker exited|terminat/i.test(msg) || code === 'ERR_WORKER_EXITED')
    return PoolErrors.workerCrashed(work, cause);
  return PoolErrors.internal(work, cause);
}
