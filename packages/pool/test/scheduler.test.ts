import { describe, expect, it } from 'vitest';
import { compileBodies } from '../src/compile-batch.js';
import { type CompileTask, type TaskReply, unpackBodies } from '../src/protocol.js';
import { ScheduledPool, type TaskRoute, type TaskRunner } from '../src/scheduler.js';
import { constModule } from './fixtures/modules.js';

interface Started {
  worker: number;
  task: CompileTask;
  hadEnv: boolean;
  indices: number[];
  done: boolean;
  reply?: string;
  answer(): void;
  fail(cause: unknown): void;
}

/**
 * Workers that each keep their own env cache, and tasks that finish when the
 * test says so: the scheduler's order and protocol, without threads.
 */
class FakeRunner implements TaskRunner {
  readonly started: Started[] = [];
  readonly caches: Map<string, unknown>[];
  private readonly busy: boolean[];
  closed = false;
  constructor(
    readonly capacity: number,
    readonly routes = false,
  ) {
    this.caches = Array.from({ length: capacity }, () => new Map());
    this.busy = new Array(capacity).fill(false);
  }
  run(task: CompileTask, route: TaskRoute): Promise<TaskReply> {
    const idle = this.busy.flatMap((b, i) => (b ? [] : [i]));
    if (idle.length === 0) throw new Error('scheduler exceeded capacity');
    // Like piscina: the first idle worker, unless the route prefers another.
    const worker = this.routes ? (idle.find((i) => route.holds(i)) ?? idle[0]) : idle[0];
    if (this.routes) route.assign(worker);
    this.busy[worker] = true;
    const cache = this.caches[worker];
    for (const id of task.dropped) cache.delete(id);
    if (task.env) cache.set(task.envId, task.env);
    return new Promise((resolve, reject) => {
      const env = cache.get(task.envId);
      const indices = unpackBodies(task.packed).map((b) => b.index);
      const started: Started = {
        worker,
        task,
        hadEnv: task.env !== undefined,
        indices,
        done: false,
        answer: () => {
          if (started.done) return;
          started.done = true;
          this.busy[worker] = false;
          const reply: TaskReply =
            env === undefined
              ? { type: 'needEnv', packed: task.packed }
              : compileBodies(env as never, unpackBodies(task.packed));
          started.reply = reply.type;
          resolve(reply);
        },
        fail: (cause) => {
          started.done = true;
          this.busy[worker] = false;
          reject(cause);
        },
      };
      this.started.push(started);
    });
  }
  /** Answers every started, unanswered task, until none is left. */
  async drain(): Promise<void> {
    for (let i = 0; i < this.started.length; i++) {
      this.started[i].answer();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ScheduledPool', () => {
  it('without routing: sends an env with the first task of a module, then to workers that ask', async () => {
    const { env, bodies } = constModule(12);
    const runner = new FakeRunner(3);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    const results = Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.compile(handle, bodies.slice(2 * i, 2 * i + 2))),
    );
    await runner.drain();
    const sources = (await results).flatMap((r) => r.sources);
    expect(sources).toEqual((compileBodies(env, bodies) as { sources: string[] }).sources);
    // Worker 0 got it with the first task; workers 1 and 2 asked once each.
    const withEnv = runner.started.filter((s) => s.hadEnv);
    expect(withEnv.map((s) => s.worker).sort()).toEqual([0, 1, 2]);
    expect(runner.caches.every((c) => c.has(handle.envId))).toBe(true);
  });

  it('with routing: sends an env to each worker once, with its first task of the module', async () => {
    const { env, bodies } = constModule(40);
    const runner = new FakeRunner(3, true);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    const results = Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.compile(handle, bodies.slice(2 * i, 2 * i + 2))),
    );
    // Answer out of order, so that idle workers come back in every order.
    for (let round = 0; runner.started.some((s) => !s.done); round++) {
      const open = runner.started.filter((s) => !s.done);
      open[round % open.length].answer();
      await tick();
    }
    expect((await results).flatMap((r) => r.sources)).toHaveLength(40);
    expect(runner.started.filter((s) => s.reply === 'needEnv')).toEqual([]);
    for (let w = 0; w < 3; w++) {
      const mine = runner.started.filter((s) => s.worker === w);
      expect(mine.filter((s) => s.hadEnv)).toEqual([mine[0]]);
    }
  });

  it('with routing: a worker that lost an env asks once and gets it', async () => {
    const { env, bodies } = constModule(4);
    const runner = new FakeRunner(1, true);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    const first = pool.compile(handle, bodies.slice(0, 2));
    runner.started[0].answer();
    await first;
    runner.caches[0].clear(); // as a worker's bounded cache would
    const second = pool.compile(handle, bodies.slice(2));
    await runner.drain();
    expect((await second).sources).toHaveLength(2);
    expect(runner.started.map((s) => [s.hadEnv, s.reply])).toEqual([
      [true, 'compiled'],
      [false, 'needEnv'],
      [true, 'compiled'],
    ]);
  });

  it('takes modules in turn, and within a module the batches in the order they came', async () => {
    const big = constModule(40, 20);
    const small = constModule(4);
    const runner = new FakeRunner(1);
    const pool = new ScheduledPool(runner);
    const a = pool.open(big.env);
    const b = pool.open(small.env);
    const done: string[] = [];
    const jobs = [
      ...[0, 1, 2, 3].map((i) =>
        pool.compile(a, big.bodies.slice(i * 10, i * 10 + 1 + i)).then(() => done.push(`a${i}`)),
      ),
      ...[0, 1].map((i) =>
        pool.compile(b, small.bodies.slice(i * 2, i * 2 + 2)).then(() => done.push(`b${i}`)),
      ),
    ];
    await runner.drain();
    await Promise.all(jobs);
    // a0 started at once; then a and b alternate, a's in the order they came (not the biggest first).
    expect(done).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3']);
  });

  it('drops a waiting batch on abort and rejects a running one at once', async () => {
    const { env, bodies } = constModule(6);
    const runner = new FakeRunner(1);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    const controller = new AbortController();
    const running = pool.compile(handle, bodies.slice(0, 2), controller.signal);
    const waiting = pool.compile(handle, bodies.slice(2, 4), controller.signal);
    const other = pool.compile(handle, bodies.slice(4, 6));
    expect(runner.started).toHaveLength(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await runner.drain();
    expect((await other).sources).toHaveLength(2);
    // The aborted waiting batch never reached a worker.
    expect(runner.started.map((s) => s.indices)).toEqual([
      [0, 1],
      [4, 5],
    ]);
  });

  it('turns a failed task into a PoolError naming the work, and keeps serving', async () => {
    const { env, bodies } = constModule(4);
    const runner = new FakeRunner(1);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    const failing = pool.compile(handle, bodies.slice(0, 3));
    runner.started[0].fail(new Error('worker exited with code: 3'));
    await expect(failing).rejects.toMatchObject({
      name: 'PoolError',
      code: 'WORKER_CRASHED',
      message: 'compile worker died while compiling 3 functions in 0..2 (worker exited with code: 3)',
    });
    const next = pool.compile(handle, bodies.slice(3));
    await runner.drain();
    expect((await next).sources).toHaveLength(1);
  });

  it('rejects waiting batches on release, and tells workers to drop the env', async () => {
    const one = constModule(4);
    const two = constModule(2);
    const runner = new FakeRunner(1);
    const pool = new ScheduledPool(runner);
    const a = pool.open(one.env);
    const b = pool.open(two.env);
    const first = pool.compile(a, one.bodies.slice(0, 2));
    const second = pool.compile(a, one.bodies.slice(2));
    pool.release(a);
    await expect(second).rejects.toMatchObject({ code: 'ENV_RELEASED' });
    await expect(pool.compile(a, one.bodies)).rejects.toMatchObject({ code: 'ENV_RELEASED' });
    const third = pool.compile(b, two.bodies);
    await runner.drain();
    expect((await first).sources).toHaveLength(2); // already running: it completes
    await third;
    expect(runner.started.at(-1)?.task.dropped).toEqual([a.envId]);
    expect(runner.caches[0].has(a.envId)).toBe(false);
  });

  it('counts idle slots and rejects everything on close', async () => {
    const { env, bodies } = constModule(4);
    const runner = new FakeRunner(2);
    const pool = new ScheduledPool(runner);
    const handle = pool.open(env);
    expect(pool.idleSlots).toBe(2);
    const jobs = bodies.map((b) => pool.compile(handle, [b]));
    expect(pool.idleSlots).toBe(0);
    await pool.close();
    for (const job of jobs) await expect(job).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(runner.closed).toBe(true);
    await expect(pool.compile(handle, bodies)).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await tick();
  });

  it('with the calling thread: compiles a batch here when every worker is busy, the same sources', async () => {
    const { env, bodies } = constModule(6);
    const runner = new FakeRunner(1, true);
    const pool = new ScheduledPool(runner, { callingThread: true });
    const handle = pool.open(env);
    expect(pool.idleSlots).toBe(2);
    const first = pool.compile(handle, bodies.slice(0, 2));
    const second = pool.compile(handle, bodies.slice(2, 4));
    const third = pool.compile(handle, bodies.slice(4, 6));
    expect(pool.idleSlots).toBe(0);
    // The worker holds the first batch and is never answered here: the others compile on this thread.
    expect(runner.started.map((s) => s.indices)).toEqual([[0, 1]]);
    const expected = (compileBodies(env, bodies) as { sources: string[] }).sources;
    expect((await second).sources).toEqual(expected.slice(2, 4));
    expect((await third).sources).toEqual(expected.slice(4, 6));
    expect(runner.started).toHaveLength(1);
    runner.started[0].answer();
    expect((await first).sources).toEqual(expected.slice(0, 2));
    expect(pool.idleSlots).toBe(2);
  });

  it('with the calling thread: an abort rejects at once, and a compiler failure is a PoolError', async () => {
    const { env, bodies } = constModule(4);
    const runner = new FakeRunner(1);
    const pool = new ScheduledPool(runner, { callingThread: true });
    const handle = pool.open(env);
    const busy = pool.compile(handle, bodies.slice(0, 1));
    const controller = new AbortController();
    const aborted = pool.compile(handle, bodies.slice(1, 2), controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    // An env the compiler trips over with a TypeError (not a WasmError): a bug, not an invalid module.
    const broken = pool.open({ ...env, types: null as never });
    const failed = pool.compile(broken, bodies.slice(2, 3));
    await expect(failed).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    runner.started[0].answer();
    expect((await busy).sources).toHaveLength(1);
    expect(runner.started).toHaveLength(1);
  });
});
