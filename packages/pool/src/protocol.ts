/**
 * The wire format between a pool and its workers, the same for piscina and
 * comlink. A task names its module by `envId` and carries the env only when
 * the worker is known to lack it; a worker that lacks it answers `needEnv`,
 * handing the bytes back, and the pool sends the task again with the env.
 *
 * A batch's bodies travel packed in one ArrayBuffer that is transferred, not
 * copied: a Uint32 header (count, then index, offset, length per body) and
 * the bodies' bytes one after another. The worker compiles from views of it.
 */
import type { FunctionBody, ModuleEnv } from '@wasmloom/binary';
import type { CompileErrorInfo } from './pool.js';

export interface CompileTask {
  envId: string;
  /** Present on the first task of a module and on a task sent again after `needEnv`. */
  env?: ModuleEnv;
  /** Modules released lately: a worker that still holds their env drops it. */
  dropped: string[];
  /** The bodies, as `packBodies` lays them out. Transferred. */
  packed: ArrayBuffer;
  /** Validate only: the reply has no sources. */
  validateOnly?: boolean;
}

export type TaskReply =
  | { type: 'compiled'; sources: string[] }
  | { type: 'invalid'; error: CompileErrorInfo }
  /** The worker has no env for `envId`; `packed` is the task's buffer, transferred back. */
  | { type: 'needEnv'; packed: ArrayBuffer };

const HEADER_WORDS_PER_BODY = 3;

export function packBodies(bodies: readonly FunctionBody[]): ArrayBuffer {
  const headerBytes = 4 * (1 + HEADER_WORDS_PER_BODY * bodies.length);
  let total = headerBytes;
  for (const b of bodies) total += b.bytes.length;
  const buffer = new ArrayBuffer(total);
  const header = new Uint32Array(buffer, 0, headerBytes >> 2);
  const bytes = new Uint8Array(buffer);
  header[0] = bodies.length;
  let h = 1;
  let pos = headerBytes;
  for (const b of bodies) {
    header[h++] = b.index;
    header[h++] = b.offset;
    header[h++] = b.bytes.length;
    bytes.set(b.bytes, pos);
    pos += b.bytes.length;
  }
  return buffer;
}

/** The bodies of a packed buffer, as views of it (no copy). */
export function unpackBodies(buffer: ArrayBuffer): FunctionBody[] {
  const count = new Uint32Array(buffer, 0, 1)[0];
  const headerBytes = 4 * (1 + HEADER_WORDS_PER_BODY * count);
  const header = new Uint32Array(buffer, 0, headerBytes >> 2);
  const bodies: FunctionBody[] = new Array(count);
  let pos = headerBytes;
  for (let i = 0, h = 1; i < count; i++) {
    const index = header[h++];
    const offset = header[h++];
    const length = header[h++];
    bodies[i] = { index, offset, bytes: new Uint8Array(buffer, pos, length) };
    pos += length;
  }
  return bodies;
}
