/**
 * The part of a worker pool that does not care what a worker is: it queues
 * batches, decides which runs next, keeps the env-once protocol, and turns
 * worker failures into PoolErrors. `TaskRunner` (piscina, comlink) only runs
 * one task on some free worker.
 *
 * Order: at most `capacity` tasks are handed to the runner at once; the rest
 * wait here, per module in the order they came (function index order), and
 * modules take turns (round-robin), so a module that queued a hundred batches
 * does not hold up one that queued two. Keeping the queue here, not in
 * piscina, is also what lets an abort drop waiting batches.
 *
 * Why not the biggest batch first: a fresh thread's compiler is interpreted
 * code that V8 optimizes with the type feedback of what it ran so far. Fed
 * the module's huge bodies first (and then batches in an order unrelated to
 * the code), it is optimized on a narrow sample, deoptimizes on the next kind
 * of instruction, and is optimized again, over and over: esbuild-wasm on 2
 * threads took 6.1 s of CPU (its big opcode loop optimized 8 times per
 * thread) against 5.1 s in arrival order (2 times, as on the calling
 * thread); the bodies a batch holds are contiguous and varied.
 *
 * Abort: a waiting batch is dropped; a running one is left to finish (killing
 * a thread mid-batch costs a restart and its compiler warm-up) and its answer
 * is thrown away. Either way the promise rejects at once.
 *
 * The calling thread (`callingThread: true`) is one more slot, taken only
 * when every worker is busy: a batch then compiles here, in a macrotask of
 * its own, so parsing and receiving go on between batches. It suits a pool
 * one thread short of the machine, whose spare core idles once the bytes are
 * all in: on 2 cores, 1 thread with the calling thread compiled esbuild-wasm
 * about as fast as 2 threads, with one isolate fewer to warm up.
 */
import type { FunctionBody, ModuleEnv } from '@wasmloom/binary';
import { compileBodies } from './compile-batch.js';
import { classifyWorkerFailure, describeWork, PoolErrors } from './errors.js';
import { OpenModules } from './open-modules.js';
import type { BatchMode, CompiledBatch, CompilePool, EnvHandle } from './pool.js';
import { type CompileTask, packBodies, type TaskReply, unpackBodies } from './protocol.js';

/**
 * Lets a runner that chooses the worker itself tell the scheduler which one it
 * chose, before the task is posted, so the env goes along exactly when that
 * worker lacks it.
 */
export interface TaskRoute {
  /** Whether worker `workerId` was sent this task's env already: prefer it among idle workers. */
  holds(workerId: number): boolean;
  /** The task goes to worker `workerId` (call once, before posting the task). */
  assign(workerId: number): void;
}

export interface TaskRunner {
  /** How many tasks may run at once (usually the number of workers). */
  readonly capacity: number;
  /** Whether `run` calls `route.assign`. Without it, envs go by the needEnv round trip alone. */
  readonly routes: boolean;
  /** Runs `task` on a free worker, transferring `task.packed`. */
  run(task: CompileTask, route: TaskRoute): Promise<TaskReply>;
  close(): Promise<void>;
}

export interface ScheduledPoolOptions {
  /** The calling thread compiles too, one batch at a time, when every worker is busy. Default false. */
  callingThread?: boolean;
}

/** Runs `f` in a later macrotask (after pending I/O callbacks), in Node and in browsers. */
function inMacrotask(f: () => void): void {
  if (typeof setImmediate === 'function') {
    setImmediate(f);
    return;
  }
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    port1.close();
    f();
  };
  port2.postMessage(null);
}

/** How many released envIds ride along with each task, so that workers forget them. */
const DROPPED_KEPT = 32;

// Unique across pools of this thread and across copies of this file, since a
// caller's piscina (and so its workers' env caches) may serve several pools.
const idPrefix = Math.random().toString(36).slice(2, 8);
let nextId = 0;

class OpenModule implements EnvHandle {
  readonly envId: string;
  readonly env: ModuleEnv;
  /** Waiting batches, in the order they came. */
  readonly queue: Job[] = [];
  /** No task of this module has been sent yet: without routing, the first one carries the env. */
  unsent = true;
  /** Workers sent this env (with routing). A worker that dies takes its id along; ids are not reused. */
  readonly holders = new Set<number>();
  /** When a batch of this module last started (the pool's count of starts), -1 before any. */
  lastServed = -1;
  released = false;
  constructor(env: ModuleEnv) {
    this.envId = `${idPrefix}.${nextId++}`;
    this.env = env;
  }
}

interface Job {
  module: OpenModule;
  packed: ArrayBuffer;
  validateOnly: boolean;
  indices: number[];
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  running: boolean;
  resolve(batch: CompiledBatch): void;
  reject(error: unknown): void;
}

export class ScheduledPool implements CompilePool {
  private readonly runner: TaskRunner;
  private readonly modules = new OpenModules((h): h is OpenModule => h instanceof OpenModule);
  /** Modules with waiting batches. */
  private readonly ready = new Set<OpenModule>();
  private starts = 0;
  private readonly dropped: string[] = [];
  /** Jobs handed to the runner and not yet answered (settled or not). */
  private readonly inFlight = new Set<Job>();
  /** Jobs started (on the runner or here). */
  private running = 0;
  /** Jobs started on the runner. */
  private onRunner = 0;
  private waiting = 0;
  private closed = false;
  /** Tasks that may run at once: the runner's, plus one with the calling thread. */
  private readonly capacity: number;

  constructor(runner: TaskRunner, options: ScheduledPoolOptions = {}) {
    this.runner = runner;
    this.capacity = runner.capacity + (options.callingThread === true ? 1 : 0);
  }

  get idleSlots(): number {
    return Math.max(0, this.capacity - this.running - this.waiting);
  }

  open(env: ModuleEnv): EnvHandle {
    if (this.closed) throw PoolErrors.closed();
    const module = new OpenModule(env);
    return this.modules.add(module);
  }

  compile(
    handle: EnvHandle,
    batch: FunctionBody[],
    signal?: AbortSignal,
    mode: BatchMode = 'compile',
  ): Promise<CompiledBatch> {
    if (this.closed) return Promise.reject(PoolErrors.closed());
    const module = this.modules.lookup(handle);
    if (module instanceof Error) return Promise.reject(module);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (batch.length === 0) return Promise.resolve({ sources: [] });

    return new Promise<CompiledBatch>((resolve, reject) => {
      const packed = packBodies(batch);
      const job: Job = {
        module,
        packed,
        validateOnly: mode === 'validate',
        indices: batch.map((b) => b.index),
        signal,
        onAbort: undefined,
        settled: false,
        running: false,
        resolve,
        reject,
      };
      if (signal !== undefined) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.enqueue(job);
      this.pump();
    });
  }

  release(handle: EnvHandle): void {
    const module = this.modules.release(handle);
    if (module === undefined) return;
    this.ready.delete(module);
    this.waiting -= module.queue.length;
    for (const job of module.queue.splice(0)) this.settle(job, undefined, PoolErrors.released(module.envId));
    this.dropped.push(module.envId);
    if (this.dropped.length > DROPPED_KEPT) this.dropped.shift();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const module of this.modules.values()) {
      for (const job of module.queue.splice(0)) this.settle(job, undefined, PoolErrors.closed());
    }
    this.waiting = 0;
    this.ready.clear();
    this.modules.clear();
    // Running jobs reject now; the runner's shutdown rejects their tasks later, unheard.
    for (const job of this.inFlight) this.settle(job, undefined, PoolErrors.closed());
    await this.runner.close();
  }

  // ---- Queues -------------------------------------------------------------------

  private enqueue(job: Job): void {
    job.module.queue.push(job);
    this.waiting++;
    this.ready.add(job.module);
  }

  private abort(job: Job): void {
    if (job.settled) return;
    if (!job.running) {
      const q = job.module.queue;
      const i = q.indexOf(job);
      if (i >= 0) {
        q.splice(i, 1);
        this.waiting--;
        if (q.length === 0) this.ready.delete(job.module);
      }
    }
    this.settle(job, undefined, job.signal?.reason);
  }

  private pump(): void {
    while (this.running < this.capacity && this.ready.size > 0) {
      const module = this.nextTurn();
      const job = module.queue.shift()!;
      this.waiting--;
      if (module.queue.length === 0) this.ready.delete(module);
      module.lastServed = this.starts++;
      this.start(job);
    }
  }

  /** Round-robin: the waiting module served longest ago (or never); ties go to the one that waited first. */
  private nextTurn(): OpenModule {
    let best: OpenModule | undefined;
    for (const module of this.ready) {
      if (best === undefined || module.lastServed < best.lastServed) best = module;
    }
    return best!;
  }

  // ---- Running --------------------------------------------------------------------

  private start(job: Job): void {
    job.running = true;
    this.running++;
    this.inFlight.add(job);
    if (this.onRunner >= this.runner.capacity) {
      this.runHere(job);
      return;
    }
    this.onRunner++;
    // Without routing, nobody can have the env of a module before its first task.
    const withEnv = !this.runner.routes && job.module.unsent;
    job.module.unsent = false;
    this.send(job, withEnv, false);
  }

  /**
   * Posts the job's task. With routing the env goes along when the chosen
   * worker is not a holder; without, on the first task of a module. The retry
   * after `needEnv` always carries it (without routing it may land on another
   * worker, so a worker may then get an env twice).
   */
  private send(job: Job, withEnv: boolean, retried: boolean): void {
    const module = job.module;
    const task: CompileTask = { envId: module.envId, dropped: this.dropped.slice(), packed: job.packed };
    if (job.validateOnly) task.validateOnly = true;
    if (withEnv) task.env = module.env;
    let worker = -1;
    const route: TaskRoute = {
      holds: (id) => module.holders.has(id),
      assign: (id) => {
        worker = id;
        if (task.env === undefined && !module.holders.has(id)) task.env = module.env;
        module.holders.add(id);
      },
    };
    this.runner.run(task, route).then(
      (reply) => {
        if (reply.type === 'needEnv' && !retried && !job.settled && !module.released && !this.closed) {
          // The worker does not have the env (it never had it, or dropped it): send again, with it.
          module.holders.delete(worker);
          job.packed = reply.packed;
          // Force the env: the retry may land on another worker that dropped it as well.
          this.send(job, true, true);
          return;
        }
        this.onRunner--;
        this.finish(job, reply, undefined);
      },
      (cause) => {
        this.onRunner--;
        this.finish(job, undefined, cause);
      },
    );
  }

  /**
   * Compiles the job on the calling thread, in a macrotask (the env is this
   * thread's own object: nothing to send, nothing cached). A job settled in
   * the meantime (abort, release, close) is not compiled.
   */
  private runHere(job: Job): void {
    inMacrotask(() => {
      let reply: TaskReply | undefined;
      let cause: unknown;
      if (!job.settled) {
        try {
          reply = compileBodies(job.module.env, unpackBodies(job.packed), job.validateOnly);
        } catch (e) {
          cause = e;
        }
      }
      this.finish(job, reply, cause);
    });
  }

  private finish(job: Job, reply: TaskReply | undefined, cause: unknown): void {
    this.running--;
    this.inFlight.delete(job);
    if (!job.settled) {
      if (reply === undefined) {
        this.settle(job, undefined, classifyWorkerFailure(describeWork(job.indices), cause));
      } else if (reply.type === 'compiled') {
        this.settle(job, { sources: reply.sources }, undefined);
      } else if (reply.type === 'invalid') {
        this.settle(job, { sources: [], error: reply.error }, undefined);
      } else {
        // needEnv for a released module, or (a bug) after the env was sent.
        const module = job.module;
        const work = describeWork(job.indices);
        const error = module.released
          ? PoolErrors.released(module.envId)
          : PoolErrors.internal(work, new Error('worker asked again for an env it was sent'));
        this.settle(job, undefined, error);
      }
    }
    if (!this.closed) this.pump();
  }

  private settle(job: Job, batch: CompiledBatch | undefined, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort !== undefined) job.signal!.removeEventListener('abort', job.onAbort);
    if (batch !== undefined) job.resolve(batch);
    else job.reject(error);
  }
}
