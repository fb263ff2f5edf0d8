/**
 * The background part of tiered loading: once a module exists, its bodies go
 * to the pool again, in batches in index order, to have their JS emitted; each
 * source is kept unless a first call on the calling thread emitted it already
 * (the same text). A few batches are in flight at a time, so the copies sent
 * stay small. A failure (a worker crash, a closed pool) only stops the
 * background work: a missing source is emitted at its first call anyway.
 */
import { bodyAt, type FunctionBody } from '@wasmloom/binary';
import type { CompiledBatch, CompilePool, EnvHandle } from '@wasmloom/pool';
import { type CompiledCode, missingSources } from '@wasmloom/runtime';
import { dropBodiesIfDone, emitCounters } from './emit.js';
import type { CompileProgress } from './options.js';

/** Bytes of bodies per background batch. */
const BATCH_BYTES = 128 * 1024;
/** Batches in flight per pool slot. */
const IN_FLIGHT_PER_SLOT = 2;

/** The background emissions under way, by module. */
const running = new WeakMap<CompiledCode, Promise<void>>();

/** Settles when `code`'s background emission has ended (at once if there is none). */
export function backgroundEmission(code: CompiledCode): Promise<void> {
  return running.get(code) ?? Promise.resolve();
}

/**
 * Emits `code`'s missing sources on `pool` (`handle` is the module's, open;
 * released at the end), reporting emitted functions through `onProgress`
 * (with the compile's last byte counts).
 * Resolves when done (never rejects).
 */
export function emitInBackground(
  code: CompiledCode,
  pool: CompilePool,
  handle: EnvHandle,
  onProgress?: (progress: CompileProgress) => void,
  bytes: { bytesReceived: number; bytesTotal?: number } = { bytesReceived: 0 },
): Promise<void> {
  const count = code.sources.length;
  if (!code.bodies || count === 0) {
    pool.release(handle);
    return Promise.resolve();
  }
  // Held weakly: a module dropped by its user stops its emission at the next
  // batch and is collected, instead of living on (bodies and sources) until all is emitted.
  const ref = weakly(code);
  const maxInFlight = Math.max(2, IN_FLIGHT_PER_SLOT * Math.max(1, pool.idleSlots));
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  const work = new Promise<void>((resolve) => {
    const report = () => {
      const code = ref.deref();
      if (onProgress === undefined || code === undefined) return;
      const emitted = count - missingSources(code);
      try {
        const progress: CompileProgress = {
          bytesReceived: bytes.bytesReceived,
          functionsValidated: count,
          functionsEmitted: emitted,
          functionsTotal: count,
        };
        if (bytes.bytesTotal !== undefined) progress.bytesTotal = bytes.bytesTotal;
        onProgress(progress);
      } catch {
        // A progress callback that throws does not stop the emission.
      }
    };
    const done = () => {
      pool.release(handle);
      const code = ref.deref();
      if (code !== undefined) dropBodiesIfDone(code);
      report();
      resolve();
    };
    const take = (batch: FunctionBody[], result: CompiledBatch) => {
      const code = ref.deref();
      const bodies = code?.bodies;
      if (code === undefined || !bodies) {
        stopped = true;
        return;
      }
      // Valid bodies: a batch answers with every source (an error here would be a compiler bug).
      if (result.error === undefined) {
        for (let i = 0; i < batch.length; i++) {
          const j = batch[i].index - bodies.firstIndex;
          if (code.sources[j] === undefined) {
            code.sources[j] = result.sources[i];
            emitCounters.fromPool++;
          }
        }
      }
      report();
    };
    const pump = () => {
      const code = ref.deref();
      const bodies = code?.bodies;
      if (code === undefined || !bodies) stopped = true;
      while (code !== undefined && bodies && !stopped && inFlight < maxInFlight && next < count) {
        const batch: FunctionBody[] = [];
        let bytes = 0;
        while (next < count && (batch.length === 0 || bytes < BATCH_BYTES)) {
          // Bodies already emitted on a first call are not sent.
          if (code.sources[next] === undefined) {
            const body = bodyAt(bodies, next);
            batch.push(body);
            bytes += body.bytes.length;
          }
          next++;
        }
        if (batch.length === 0) break;
        inFlight++;
        let answer: Promise<CompiledBatch>;
        try {
          answer = pool.compile(handle, batch, undefined, 'compile');
        } catch (e) {
          answer = Promise.reject(e);
        }
        answer
          .then(
            (result) => take(batch, result),
            () => {
              stopped = true;
            },
          )
          .finally(() => {
            inFlight--;
            pump();
          });
      }
      if (inFlight === 0 && (stopped || next >= count)) done();
    };
    pump();
  });
  running.set(code, work);
  return work;
}

/** A WeakRef to `code`, or a strong one where the engine has no WeakRef. */
function weakly(code: CompiledCode): { deref(): CompiledCode | undefined } {
  return typeof WeakRef === 'function' ? new WeakRef(code) : { deref: () => code };
}
