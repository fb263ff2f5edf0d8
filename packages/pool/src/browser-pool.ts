/**
 * The browser pool: Web Workers running `browser-worker.js`, spoken to with
 * comlink, scheduled by ScheduledPool exactly as the Node pool is. The
 * workers are started here (no piscina in a browser): on demand, up to
 * `size`, each doing one task at a time; an idle one is stopped after
 * `idleTimeout`, a failed one is stopped and replaced on the next task.
 *
 * `createWorker` is the seam that lets the same code run over Node's
 * worker_threads in tests (comlink's node adapter).
 */
import { type Endpoint, type Remote, transfer, wrap } from 'comlink';
import type { CompileWorkerApi } from './comlink-worker-api.js';
import { PoolErrors } from './errors.js';
import type { CompilePool } from './pool.js';
import type { CompileTask, TaskReply } from './protocol.js';
import { ScheduledPool, type TaskRoute, type TaskRunner } from './scheduler.js';

/** One started worker, as the pool needs it. */
export interface WorkerPort {
  /** Where comlink posts to and listens on. */
  endpoint: Endpoint;
  /** `listener` runs when the worker dies or reports an uncaught error: it is of no further use. */
  onFailure(listener: (cause: Error) => void): void;
  terminate(): void;
}

export interface BrowserPoolOptions {
  /** Workers; default `navigator.hardwareConcurrency`. */
  size?: number;
  /** Milliseconds an idle worker lives on; default 5000. */
  idleTimeout?: number;
  /** Starts one compile worker; default a module Web Worker on `browser-worker.js` beside this file. */
  createWorker?: () => WorkerPort;
  /** The calling thread compiles a batch too when every worker is busy (scheduler.ts). Default false. */
  callingThread?: boolean;
}

/** A module Web Worker on `url` (which must run `browser-worker.js`). */
export function startWebWorker(url: string | URL): WorkerPort {
  const worker = new Worker(url, { type: 'module', name: 'wasmloom-compile' });
  return {
    endpoint: worker,
    onFailure(listener) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(new Error(`worker exited: ${event.message || 'uncaught error'}`, { cause: event.error }));
      });
      worker.addEventListener('messageerror', () =>
        listener(new Error('worker exited: message could not be read')),
      );
    },
    terminate: () => worker.terminate(),
  };
}

interface Slot {
  id: number;
  port: WorkerPort;
  api: Remote<CompileWorkerApi>;
  dead: boolean;
  /** Rejects the task in progress, if any. */
  fail: ((cause: Error) => void) | undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

class ComlinkRunner implements TaskRunner {
  readonly capacity: number;
  readonly routes = true;
  private nextSlotId = 1;
  private readonly idleTimeout: number;
  private readonly createWorker: () => WorkerPort;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private closed = false;

  constructor(options: BrowserPoolOptions) {
    this.capacity = Math.max(1, options.size ?? globalThis.navigator?.hardwareConcurrency ?? 4);
    this.idleTimeout = options.idleTimeout ?? 5000;
    this.createWorker =
      options.createWorker ?? (() => startWebWorker(new URL('./browser-worker.js', import.meta.url)));
  }

  run(task: CompileTask, route: TaskRoute): Promise<TaskReply> {
    if (this.closed) return Promise.reject(PoolErrors.closed());
    const slot = this.takeIdle(route) ?? this.spawn();
    route.assign(slot.id);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    return new Promise<TaskReply>((resolve, reject) => {
      slot.fail = reject;
      slot.api.run(transfer(task, [task.packed])).then(
        (reply) => {
          this.done(slot);
          resolve(reply);
        },
        (error) => {
          this.done(slot);
          reject(error);
        },
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of [...this.slots]) this.kill(slot, PoolErrors.closed());
  }

  /** An idle worker, one that holds the env if there is one. */
  private takeIdle(route: TaskRoute): Slot | undefined {
    if (this.idle.length === 0) return undefined;
    let i = this.idle.findIndex((slot) => route.holds(slot.id));
    if (i < 0) i = this.idle.length - 1;
    return this.idle.splice(i, 1)[0];
  }

  private spawn(): Slot {
    const port = this.createWorker();
    const slot: Slot = {
      id: this.nextSlotId++,
      port,
      api: wrap<CompileWorkerApi>(port.endpoint),
      dead: false,
      fail: undefined,
      idleTimer: undefined,
    };
    port.onFailure((cause) => this.kill(slot, cause));
    this.slots.add(slot);
    return slot;
  }

  private done(slot: Slot): void {
    slot.fail = undefined;
    if (slot.dead || this.closed) return;
    this.idle.push(slot);
    slot.idleTimer = setTimeout(() => this.kill(slot, undefined), this.idleTimeout);
  }

  private kill(slot: Slot, cause: Error | undefined): void {
    if (slot.dead) return;
    slot.dead = true;
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    // No releaseProxy: it posts to the worker and waits for an answer a dead worker never sends.
    slot.port.terminate();
    const fail = slot.fail;
    slot.fail = undefined;
    fail?.(cause ?? new Error('worker exited'));
  }
}

export function createBrowserPool(options: BrowserPoolOptions = {}): CompilePool {
  return new ScheduledPool(new ComlinkRunner(options), { callingThread: options.callingThread });
}
