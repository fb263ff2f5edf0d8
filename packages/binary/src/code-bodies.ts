/**
 * A module's function bodies kept once, as plain data: one byte array holding
 * every body after the other, where each starts, and each one's offset in the
 * module (for error messages). What a module keeps of its code section while
 * not every function's JS has been emitted yet; structured-cloneable, and the
 * same on every thread.
 */
import type { FunctionBody } from './types.js';

export interface CodeBodies {
  /** Every body's bytes (locals and expression, as in `FunctionBody.bytes`), one after the other. */
  bytes: Uint8Array;
  /** Body j is `bytes[starts[j], starts[j + 1])`: `count + 1` entries. */
  starts: Uint32Array;
  /** Body j's `FunctionBody.offset` in the module. */
  offsets: Uint32Array;
  /** Index of the first defined function (the module's imported functions). */
  firstIndex: number;
}

/** Body j of `bodies` as a `FunctionBody` (a view of its bytes). */
export function bodyAt(bodies: CodeBodies, j: number): FunctionBody {
  const { bytes, starts } = bodies;
  return {
    index: bodies.firstIndex + j,
    offset: bodies.offsets[j],
    bytes: bytes.subarray(starts[j], starts[j + 1]),
  };
}

/** Gathers bodies in index order as they arrive, copying each (its source buffer may be reused). */
export class CodeBodiesBuilder {
  private bytes: Uint8Array;
  private length = 0;
  private readonly starts: Uint32Array;
  private readonly offsets: Uint32Array;
  private count = 0;
  private readonly firstIndex: number;

  /** `count` bodies, of about `sizeHint` bytes in all (the code section's size; it grows if short). */
  constructor(firstIndex: number, count: number, sizeHint: number) {
    this.firstIndex = firstIndex;
    this.bytes = new Uint8Array(Math.max(16, sizeHint));
    this.starts = new Uint32Array(count + 1);
    this.offsets = new Uint32Array(count);
  }

  add(body: FunctionBody): void {
    const j = body.index - this.firstIndex;
    if (j !== this.count || j >= this.offsets.length)
      throw new Error(`CodeBodiesBuilder: body ${body.index} out of order`);
    const end = this.length + body.bytes.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(body.bytes, this.length);
    this.offsets[j] = body.offset;
    this.length = end;
    this.count++;
    this.starts[this.count] = end;
  }

  /** The bodies gathered (all of them: a short count is an error). */
  finish(): CodeBodies {
    if (this.count !== this.offsets.length) throw new Error('CodeBodiesBuilder: bodies missing');
    // A view, not a copy: the buffer was sized by the code section, a few bytes more than the bodies.
    const bytes = this.bytes.subarray(0, this.length);
    return { bytes, starts: this.starts, offsets: this.offsets, firstIndex: this.firstIndex };
  }
}
