/**
 * The streaming driver with a compile pool: the same sources and the same
 * first error as the synchronous compile for any number of threads and any
 * order in which batches answer; a crashed worker, a failing or hanging
 * stream and an abort reject at once; compilation overlaps a slow download;
 * concurrent compiles share a pool.
 */
import { DEFAULT_FEATURES, type FunctionBody } from '@wasmloom/binary';
import { type BatchMode, type CompilePool, createNodePool, InlinePool, PoolError } from '@wasmloom/pool';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from '../../pool/test/fixtures/build.js';
import { compileModuleBytes } from '../src/decode.js';
import { compileChunks } from '../src/streaming.js';
import { body, build, funcType, I32, kitchen, sleb, uleb } from './modules.js';
import {
  DelayingPool,
  ESBUILD_WASM,
  FAULTY_WORKER,
  outcome,
  readModule,
  SQL_WASM,
  seeded,
  sleep,
  slices,
  throttled,
  withInvalidBody,
} from './pool-fixtures.js';

const features = DEFAULT_FEATURES;
const sqlWasm = readModule(SQL_WASM);
const esbuildWasm = readModule(ESBUILD_WASM);

function syncOutcome(bytes: Uint8Array): Promise<unknown> {
  return outcome(new Promise((resolve) => resolve(compileModuleBytes(bytes, features))));
}

/** Every body on the pool, whatever the module's size. */
const onPool = (pool: CompilePool) => ({ pool, inlineThreshold: 0 });

/** `n` functions `() -> i32`, each returning its index, with `i32.const 666001` (the crash marker) at `crashAt`. */
function constModule(n: number, crashAt = -1): Uint8Array {
  return build({
    types: [funcType([], [I32])],
    funcs: new Array(n).fill(0),
    codes: Array.from({ length: n }, (_, i) => body(0x41, ...sleb(i === crashAt ? 666001 : i), 0x0b)),
  });
}

beforeAll(ensureBuilt);

const pools: CompilePool[] = [];
function nodePool(size: number, workerFile?: string): CompilePool {
  const pool = createNodePool({ size, workerFile });
  pools.push(pool);
  return pool;
}
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe.skipIf(sqlWasm === undefined)('compileChunks on a pool: sql.js (0.7 MB, 1968 functions)', () => {
  const bytes = sqlWasm!;
  let expected: unknown;
  beforeAll(async () => {
    expected = await syncOutcome(bytes);
  });

  it('gives the synchronous compile’s sources on 1, 2 and 4 threads', async () => {
    for (const size of [1, 2, 4]) {
      const pool = nodePool(size);
      expect(await outcome(compileChunks(slices(bytes, 65536), features, onPool(pool)))).toEqual(expected);
    }
  });

  it('gives the same sources whatever order the batches answer in', async () => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed);
      const pool = new DelayingPool(new InlinePool(), {
        delay: () => Math.floor(random() * 8),
        idleSlots: seed - 1, // 0: full batches; more: every chunk's bodies go at once
      });
      expect(await outcome(compileChunks(slices(bytes, 4099), features, onPool(pool)))).toEqual(expected);
      expect(pool.batches).toBeGreaterThanOrEqual(9);
      expect(pool.released).toBe(1);
    }
  });

  it('reports an invalid function far into the module exactly as the synchronous compile does', async () => {
    const bad = withInvalidBody(bytes, 1900);
    const sync = (await syncOutcome(bad)) as { funcIndex: number; kind: string };
    expect(sync).toMatchObject({ funcIndex: 1900, kind: 'invalid' });
    const pool = nodePool(2);
    for (const size of [65536, 1000]) {
      expect(await outcome(compileChunks(slices(bad, size), features, onPool(pool)))).toEqual(sync);
    }
  });

  it('reports the lowest invalid function even when a later one answers first', async () => {
    const bad = withInvalidBody(withInvalidBody(bytes, 1200), 1900);
    const sync = await syncOutcome(bad);
    expect(sync).toMatchObject({ funcIndex: 1200 });
    // Batches holding lower functions answer later, so 1900's error is known first.
    const pool = new DelayingPool(new InlinePool(), { delay: (batch) => (2000 - batch[0].index) / 20 });
    expect(await outcome(compileChunks(slices(bad, 65536), features, onPool(pool)))).toEqual(sync);
  });

  it('prefers an invalid body to a malformed section after the code section, as the synchronous compile', async () => {
    const bad = withInvalidBody(bytes, 1900);
    const truncated = bad.subarray(0, bad.length - 100); // cut inside the data section
    const sync = await syncOutcome(truncated);
    expect(sync).toMatchObject({ funcIndex: 1900 });
    const pool = new DelayingPool(new InlinePool(), { delay: () => 5 });
    expect(await outcome(compileChunks(slices(truncated, 65536), features, onPool(pool)))).toEqual(sync);
    // With every body valid, the decoder's error, once every batch has answered.
    const onlyMalformed = bytes.subarray(0, bytes.length - 100);
    const syncMalformed = await syncOutcome(onlyMalformed);
    expect(syncMalformed).toMatchObject({ kind: 'malformed', funcIndex: undefined });
    expect(await outcome(compileChunks(slices(onlyMalformed, 65536), features, onPool(nodePool(2))))).toEqual(
      syncMalformed,
    );
  });

  it('rejects for an invalid body while the stream still hangs, and cancels it', async () => {
    const bad = withInvalidBody(bytes, 300);
    const sync = await syncOutcome(bad);
    const { stream, log } = throttled(bad, 65536, 0, { stopAt: 65536 * 4 });
    const pool = new DelayingPool(new InlinePool(), { idleSlots: 1 });
    expect(await outcome(compileChunks(stream, features, onPool(pool)))).toEqual(sync);
    expect(log.cancelled).toHaveLength(1);
  });

  it('overlaps compiling with a slow download', async () => {
    const pool = nodePool(2);
    let compiledAtLastByte = -1;
    let total = 0;
    const { stream, log } = throttled(bytes, 65536, 100);
    const start = performance.now();
    const code = await compileChunks(stream, features, {
      ...onPool(pool),
      onProgress(p) {
        total = p.functionsTotal;
        if (p.bytesReceived === bytes.length && compiledAtLastByte < 0)
          compiledAtLastByte = p.functionsValidated;
      },
    });
    const end = performance.now();
    expect(code.sources).toHaveLength(total);
    // Compiling started while bytes were still coming (how much overlaps depends on the
    // machine's load; benchmarks/src/compile.bench.ts measures it).
    expect(compiledAtLastByte).toBeGreaterThan(0);
    console.log(
      `sql.js, 64 KiB every 100 ms on 2 threads: ${(end - start).toFixed(0)} ms in all, ` +
        `${(end - log.lastByteAt).toFixed(0)} ms after the last byte, ${compiledAtLastByte}/${total} compiled by then`,
    );
  });
});

describe.skipIf(esbuildWasm === undefined)('compileChunks on a pool: esbuild-wasm (14 MB)', () => {
  it('gives the synchronous compile’s sources on 2 threads', async () => {
    const bytes = esbuildWasm!;
    const sync = compileModuleBytes(bytes, features);
    const code = await compileChunks(slices(bytes, 1 << 20), features, onPool(nodePool(2)));
    expect(code.sources.length).toBe(sync.sources.length);
    // toEqual on 5307 long strings makes a slow diff when it fails; compare one by one.
    const differing = code.sources.findIndex((s, i) => s !== sync.sources[i]);
    expect(differing).toBe(-1);
  });
});

describe('compileChunks on a pool: failures', () => {
  it('rejects with WORKER_CRASHED when a worker dies mid-compile, and the pool serves the next compile', async () => {
    const pool = nodePool(2, FAULTY_WORKER);
    const crashing = constModule(200, 150);
    const error = await compileChunks(slices(crashing, 256), features, onPool(pool)).catch((e) => e);
    expect(error).toBeInstanceOf(PoolError);
    expect(error).toMatchObject({
      code: 'WORKER_CRASHED',
      message: expect.stringMatching(/compile worker died/),
    });
    const fine = constModule(200);
    expect(await outcome(compileChunks(slices(fine, 256), features, onPool(pool)))).toEqual(
      await syncOutcome(fine),
    );
  });

  it('ignores a failed batch after a known invalid function, but not one before it', async () => {
    // Function 10 is invalid; the batch holding function 150 fails, and answers first.
    const codes = Array.from({ length: 200 }, (_, i) =>
      i === 10 ? body(0x6a, 0x0b) : body(0x41, ...sleb(i), 0x0b),
    );
    const bytes = build({ types: [funcType([], [I32])], funcs: new Array(200).fill(0), codes });
    const sync = await syncOutcome(bytes);
    expect(sync).toMatchObject({ funcIndex: 10 });
    const crash = new PoolError('WORKER_CRASHED', 'compile worker died');
    const failing = (index: number) =>
      new DelayingPool(new InlinePool(), {
        idleSlots: 1, // each chunk's bodies in a batch of their own
        delay: (batch) => (batch.some((b) => b.index === index) ? 0 : 30),
        fail: (batch) => (batch.some((b) => b.index === index) ? crash : undefined),
      });
    expect(await outcome(compileChunks(slices(bytes, 64), features, onPool(failing(150))))).toEqual(sync);
    await expect(compileChunks(slices(bytes, 64), features, onPool(failing(5)))).rejects.toBe(crash);
  });

  it('rejects at once with the error of a failing stream and drops its batches', async () => {
    const bytes = sqlWasm ?? kitchen;
    const boom = new TypeError('network went away');
    const { stream } = throttled(bytes, 65536, 0, { stopAt: 65536 * 3, error: boom });
    const pool = new DelayingPool(new InlinePool(), { delay: () => 1000, idleSlots: 1 });
    const start = performance.now();
    await expect(compileChunks(stream, features, onPool(pool))).rejects.toBe(boom);
    expect(performance.now() - start).toBeLessThan(500);
    expect(pool.released).toBe(pool.opened);
  });

  it('rejects at once on abort, cancels the download and drops waiting batches', async () => {
    const bytes = sqlWasm ?? kitchen;
    const pool = nodePool(1);
    const { stream, log } = throttled(bytes, 65536, 0, { stopAt: 65536 * 5 });
    const controller = new AbortController();
    const reason = new Error('user left');
    const compiling = compileChunks(stream, features, { ...onPool(pool), signal: controller.signal });
    await sleep(50);
    const abortedAt = performance.now();
    controller.abort(reason);
    await expect(compiling).rejects.toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(50);
    expect(log.cancelled).toEqual([reason]);
    // Waiting batches were dropped: the one thread is free again once its batch is done.
    await vi.waitFor(() => expect(pool.idleSlots).toBe(1), { timeout: 10_000 });
  });

  it('20 concurrent compiles share one pool and each gets its own module', async () => {
    const pool = nodePool(2);
    const modules = Array.from({ length: 20 }, (_, m) => (m % 5 === 0 ? kitchen : constModule(50 + m)));
    const results = await Promise.all(
      modules.map((bytes, m) => outcome(compileChunks(slices(bytes, 64 + m), features, onPool(pool)))),
    );
    for (let m = 0; m < modules.length; m++) expect(results[m]).toEqual(await syncOutcome(modules[m]));
  });
});

describe('compileChunks: where bodies compile', () => {
  it('compiles small code sections inline even with a pool', async () => {
    const pool = new DelayingPool(new InlinePool());
    const code = await compileChunks([kitchen], features, { pool });
    expect(code.sources.length).toBeGreaterThan(0);
    expect(pool.opened).toBe(0);
  });

  it('asks a pool factory only when the code section is big enough, and once', async () => {
    let asked = 0;
    const get = () => {
      asked++;
      return new InlinePool();
    };
    await compileChunks([kitchen], features, { pool: get });
    expect(asked).toBe(0);
    await compileChunks([kitchen], features, { pool: get, inlineThreshold: 0 });
    expect(asked).toBe(1);
  });

  it('hands bodies over in batches, big bodies alone', async () => {
    const sizes: number[][] = [];
    const recorder: CompilePool = Object.assign(new InlinePool(), {
      compile(
        this: InlinePool,
        handle: never,
        batch: FunctionBody[],
        signal?: AbortSignal,
        mode?: BatchMode,
      ) {
        // The validation batches (the background emission's come after the module exists).
        if (mode === 'validate') sizes.push(batch.map((b) => b.bytes.length));
        return InlinePool.prototype.compile.call(this, handle, batch, signal, mode);
      },
    });
    // 40 small bodies, then one of ~100 KB (i32.const 0; drop, repeated), then 40 small.
    const code = [0x00, ...new Array(33000).fill([0x41, 0x00, 0x1a]).flat(), 0x41, 0x01, 0x0b];
    const big = [...uleb(code.length), ...code];
    const small = (i: number) => body(0x41, ...sleb(i), 0x0b);
    const codes = [
      ...Array.from({ length: 40 }, (_, i) => small(i)),
      big,
      ...Array.from({ length: 40 }, (_, i) => small(i)),
    ];
    const bytes = build({ types: [funcType([], [I32])], funcs: new Array(81).fill(0), codes });
    await compileChunks(slices(bytes, 4096), features, onPool(recorder));
    expect(sizes.flat()).toHaveLength(81);
    expect(sizes.some((s) => s.length === 1 && s[0] > 65536)).toBe(true);
  });
});
