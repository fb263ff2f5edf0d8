/**
 * The Node pool: worker threads run by piscina, scheduled by ScheduledPool.
 * Threads start on demand, leave after `idleTimeout`, and piscina unrefs an
 * idle thread, so a process whose compiles are done exits by itself.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina, queueOptionsSymbol } from 'piscina';
import type { CompilePool } from './pool.js';
import type { CompileTask, TaskReply } from './protocol.js';
import { ScheduledPool, type TaskRoute, type TaskRunner } from './scheduler.js';

export interface NodePoolOptions {
  /** Worker threads; default `os.availableParallelism()`. Ignored with `piscina`. */
  size?: number;
  /**
   * Run on this piscina instead of starting one. Tasks name the compile
   * worker's file themselves, so the instance may serve other work too; the
   * pool never closes it. Give it `loadBalancer: envAwareBalancer(n)` (n its
   * `concurrentTasksPerWorker`) and each thread gets each env once; with
   * another balancer an env may be sent twice.
   */
  piscina?: Piscina;
  /** Milliseconds an idle thread lives on; default 5000. */
  idleTimeout?: number;
  /**
   * Heap limits of each thread: a batch that passes them fails with
   * WORKER_OUT_OF_MEMORY. Default: V8's, but a young generation of
   * `DEFAULT_YOUNG_GENERATION_MB`.
   */
  resourceLimits?: ResourceLimits;
  /**
   * Tasks posted to a thread at once; default 1. With 2 the next batch already
   * waits in the thread's port when one ends, saving a round trip through the
   * calling thread, but a thread that dies then takes two batches with it.
   */
  tasksPerThread?: number;
  /** The worker script; default the built `worker.js` of this package. For tests. */
  workerFile?: string;
  /** The calling thread compiles a batch too when every thread is busy (scheduler.ts). Default false. */
  callingThread?: boolean;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 5000;
export const DEFAULT_TASKS_PER_THREAD = 1;
/**
 * A thread's young generation (V8's default on 64 bits: 48 MB, three 16 MB
 * semi-spaces' worth). A thread holds one batch's work at a time, so most of
 * that is room for garbage that counts in the process's memory: esbuild-wasm
 * on 2 threads peaked 26–50 MB lower with 24 MB, for 2–3% more CPU (more,
 * smaller scavenges); with 12 MB, 78 MB lower for 7% more CPU.
 */
export const DEFAULT_YOUNG_GENERATION_MB = 24;

/** The built worker entry beside this file (from the sources, as under vitest: the built one in dist). */
export const defaultWorkerFile: string = fileURLToPath(
  import.meta.url.endsWith('.ts')
    ? new URL('../dist/worker.js', import.meta.url)
    : new URL('./worker.js', import.meta.url),
);

type Balancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;
const envAwareBalancers = new WeakSet<Balancer>();

/**
 * A piscina load balancer for compile pools: the least busy thread below
 * `tasksPerThread` tasks, among equals one that holds the task's env; and it
 * tells the scheduler which thread it chose. Piscina posts a task after asking
 * the balancer, so the env can still be attached. The route rides on the task
 * under piscina's queue-options symbol, which is not sent to the worker.
 */
export function envAwareBalancer(tasksPerThread = 1): Balancer {
  const balancer: Balancer = (task, workers) => {
    const route = (task as unknown as Record<symbol, TaskRoute | null>)[queueOptionsSymbol] ?? null;
    let chosen: (typeof workers)[number] | null = null;
    let chosenHolds = false;
    for (const worker of workers) {
      const usage = worker.currentUsage;
      if (usage >= tasksPerThread || worker.terminating || worker.destroyed) continue;
      const holds = route?.holds(worker.id) === true;
      if (
        chosen === null ||
        usage < chosen.currentUsage ||
        (usage === chosen.currentUsage && holds && !chosenHolds)
      ) {
        chosen = worker;
        chosenHolds = holds;
      }
    }
    if (chosen !== null) route?.assign(chosen.id);
    return chosen;
  };
  envAwareBalancers.add(balancer);
  return balancer;
}

class PiscinaRunner implements TaskRunner {
  readonly capacity: number;
  readonly routes: boolean;
  private readonly piscina: Piscina;
  private readonly owned: boolean;
  private readonly filename: string;

  constructor(options: NodePoolOptions) {
    this.filename = options.workerFile ?? defaultWorkerFile;
    if (options.piscina !== undefined) {
      this.piscina = options.piscina;
      this.owned = false;
      // With another balancer, envs go by needEnv round trips alone.
      const balancer = this.piscina.options.loadBalancer;
      this.routes = balancer !== undefined && envAwareBalancers.has(balancer);
    } else {
      const size = Math.max(1, options.size ?? availableParallelism());
      const tasksPerThread = Math.max(1, options.tasksPerThread ?? DEFAULT_TASKS_PER_THREAD);
      this.piscina = new Piscina({
        filename: this.filename,
        minThreads: 0,
        maxThreads: size,
        idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
        concurrentTasksPerWorker: tasksPerThread,
        resourceLimits: { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB, ...options.resourceLimits },
        loadBalancer: envAwareBalancer(tasksPerThread),
      });
      this.owned = true;
      this.routes = true;
      // A thread that dies between tasks makes piscina emit 'error'; unheard, that would kill the
      // process. Failures during a task reach that task's promise, so nothing is lost here.
      this.piscina.on('error', () => {});
    }
    const { maxThreads, concurrentTasksPerWorker } = this.piscina.options;
    this.capacity = maxThreads * concurrentTasksPerWorker;
  }

  run(task: CompileTask, route: TaskRoute): Promise<TaskReply> {
    if (this.routes) (task as unknown as Record<symbol, TaskRoute>)[queueOptionsSymbol] = route;
    return this.piscina.run(task, { filename: this.filename, transferList: [task.packed] });
  }

  async close(): Promise<void> {
    if (this.owned) await this.piscina.destroy();
  }
}

export function createNodePool(options: NodePoolOptions = {}): CompilePool {
  return new ScheduledPool(new PiscinaRunner(options), { callingThread: options.callingThread });
}
