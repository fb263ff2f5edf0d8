/**
 * The batching policy: which bodies travel together, and when a module is too
 * small to be worth a worker at all. Bodies come in one by one, in index
 * order, as the stream delivers them; batches go out by byte size.
 *
 * - A batch closes once it holds `targetBytes` of bodies. Bigger batches cost
 *   fewer messages, smaller ones balance the workers better at the end.
 * - A body of `targetBytes` or more goes out alone, at once, ahead of the
 *   smaller bodies collected before it. The pool's queue then keeps the
 *   order batches came in (scheduler.ts says why not the biggest first).
 * - While the pool has an idle worker (`idleSlots`), a batch goes out as soon
 *   as it holds `minBytes`, so slow bytes keep every worker busy instead of
 *   waiting for a full batch.
 *
 * Figures measured on 2 cores, Node 20 (packages/pool/README.md has the command).
 */
import type { FunctionBody } from '@wasmloom/binary';

/** Body bytes per batch. */
export const DEFAULT_BATCH_BYTES = 64 * 1024;
/** Smallest batch sent early to an idle worker. */
export const DEFAULT_MIN_BATCH_BYTES = 16 * 1024;
/** Code sections smaller than this compile faster on the calling thread than on a freshly started pool. */
export const INLINE_THRESHOLD_BYTES = 256 * 1024;

/** Whether a module whose code section has `codeSectionBytes` should compile without workers. */
export function compilesInline(codeSectionBytes: number, threshold = INLINE_THRESHOLD_BYTES): boolean {
  return codeSectionBytes < threshold;
}

export interface BatcherOptions {
  /** Receives each batch, bodies in arrival order, and its body bytes. */
  onBatch(batch: FunctionBody[], bytes: number): void;
  targetBytes?: number;
  minBytes?: number;
  /** How many batches the pool could start at once now (`CompilePool.idleSlots`). */
  idleSlots?: () => number;
}

export class Batcher {
  private readonly onBatch: (batch: FunctionBody[], bytes: number) => void;
  private readonly targetBytes: number;
  private readonly minBytes: number;
  private readonly idleSlots: (() => number) | undefined;
  private current: FunctionBody[] = [];
  private bytes = 0;

  constructor(options: BatcherOptions) {
    this.onBatch = options.onBatch;
    this.targetBytes = Math.max(1, options.targetBytes ?? DEFAULT_BATCH_BYTES);
    this.minBytes = Math.min(this.targetBytes, options.minBytes ?? DEFAULT_MIN_BATCH_BYTES);
    this.idleSlots = options.idleSlots;
  }

  add(body: FunctionBody): void {
    const size = body.bytes.length;
    if (size >= this.targetBytes) {
      this.onBatch([body], size);
      return;
    }
    this.current.push(body);
    this.bytes += size;
    if (this.bytes >= this.targetBytes || (this.bytes >= this.minBytes && this.hasIdleWorker())) this.flush();
  }

  /** Sends what is collected (at the end of the code section, or when no more bytes will come soon). */
  flush(): void {
    if (this.current.length === 0) return;
    const batch = this.current;
    const bytes = this.bytes;
    this.current = [];
    this.bytes = 0;
    this.onBatch(batch, bytes);
  }

  private hasIdleWorker(): boolean {
    return this.idleSlots !== undefined && this.idleSlots() > 0;
  }
}
