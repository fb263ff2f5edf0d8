/**
 * `createWebAssembly`'s compile options (`workers`, `pool`, `inlineThreshold`,
 * `onProgress`) and `compileStreaming(namespace, source, { signal })`: what
 * they accept, that every choice of threads gives the same modules and the
 * same CompileErrors as the synchronous `new Module`, progress reports, and a
 * process whose compiles are done exiting by itself.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { InlinePool } from '@wasmloom/pool';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runModuleScript } from '../../pool/test/fixtures/build.js';
import { backgroundEmission } from '../src/background-emit.js';
import { emitAll } from '../src/emit.js';
import { moduleState } from '../src/module.js';
import { compileStreaming, createWebAssembly } from '../src/namespace.js';
import type { CompileProgress } from '../src/options.js';
import { kitchen, kitchenImports } from './modules.js';
import {
  DelayingPool,
  readModule,
  SQL_WASM,
  sleep,
  throttled,
  wasmResponse,
  withInvalidBody,
} from './pool-fixtures.js';
import { ensureBuilt as ensureWasmloomBuilt } from './share-helpers.js';

const sqlWasm = readModule(SQL_WASM);
const bytes = sqlWasm ?? kitchen;

beforeAll(ensureBuilt);

/** Every source of a module: after its background emission, the rest emitted here. */
async function sourcesOf(module: object): Promise<unknown[]> {
  const { code } = moduleState(module, 'test');
  await backgroundEmission(code);
  emitAll(code);
  return code.sources;
}

describe('createWebAssembly compile options', () => {
  it('refuses what they cannot be', () => {
    expect(() => createWebAssembly({ workers: -1 })).toThrow(RangeError);
    expect(() => createWebAssembly({ workers: 1.5 })).toThrow(RangeError);
    expect(() => createWebAssembly({ workers: '2' as never })).toThrow(TypeError);
    expect(() => createWebAssembly({ inlineThreshold: -5 })).toThrow(RangeError);
    expect(() => createWebAssembly({ pool: {} as never })).toThrow(TypeError);
    expect(() => createWebAssembly({ pool: new InlinePool(), workers: 2 })).toThrow(/not both/);
    expect(() => createWebAssembly({ onProgress: 'yes' as never })).toThrow(TypeError);
    expect(createWebAssembly({ workers: 0 }).features).toBeDefined();
  });

  it('gives the same modules inline, on threads and on a caller’s pool', async () => {
    const expected = await sourcesOf(new (createWebAssembly().Module)(bytes));
    const own = new DelayingPool(new InlinePool());
    for (const ns of [
      createWebAssembly({ workers: 0 }),
      createWebAssembly({ workers: 2, inlineThreshold: 0 }),
      createWebAssembly({ pool: own, inlineThreshold: 0 }),
    ]) {
      expect(await sourcesOf(await ns.compile(bytes))).toEqual(expected);
      expect(await sourcesOf(await ns.compileStreaming(wasmResponse(bytes)))).toEqual(expected);
      const { instance } = (await ns.instantiateStreaming(
        wasmResponse(kitchen),
        kitchenImports(ns),
      )) as unknown as { instance: { exports: { add64(a: number, b: bigint): bigint } } };
      expect(instance.exports.add64(1, 2n)).toBe(3n);
    }
    expect(own.opened).toBe(3);
    expect(own.released).toBe(3);
  });

  it('runs on a caller’s piscina', async () => {
    const require = createRequire(fileURLToPath(new URL('../../pool/package.json', import.meta.url)));
    const { Piscina } = require('piscina') as typeof import('piscina');
    const piscina = new Piscina({ maxThreads: 2, idleTimeout: 1000 });
    try {
      const ns = createWebAssembly({ pool: piscina, inlineThreshold: 0 });
      const expected = await sourcesOf(new ns.Module(kitchen));
      expect(await sourcesOf(await ns.compile(kitchen))).toEqual(expected);
      expect(piscina.completed).toBeGreaterThan(0);
    } finally {
      await piscina.destroy();
    }
  });

  it('keeps a small module off a caller’s pool unless told otherwise', async () => {
    const own = new DelayingPool(new InlinePool());
    await createWebAssembly({ pool: own }).compile(kitchen);
    expect(own.opened).toBe(0);
  });

  it.skipIf(sqlWasm === undefined)(
    'rejects an invalid function with the CompileError `new Module` throws',
    async () => {
      const bad = withInvalidBody(sqlWasm!, 1900);
      const ns = createWebAssembly({ workers: 2, inlineThreshold: 0 });
      let syncMessage = '';
      try {
        new ns.Module(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ns.CompileError);
        syncMessage = (e as Error).message.replace('WebAssembly.Module(): ', '');
      }
      expect(syncMessage).toMatch(/function 1900\)$/);
      const error = await ns.compile(bad).catch((e) => e);
      expect(error).toBeInstanceOf(ns.CompileError);
      expect(error.message).toBe(`WebAssembly.compile(): ${syncMessage}`);
      const streamed = await ns.compileStreaming(wasmResponse(bad)).catch((e) => e);
      expect(streamed.message).toBe(`WebAssembly.compileStreaming(): ${syncMessage}`);
    },
  );
});

describe('onProgress', () => {
  function check(events: CompileProgress[], total: number | undefined) {
    expect(events.length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].bytesReceived).toBeGreaterThanOrEqual(events[i - 1].bytesReceived);
      expect(events[i].functionsValidated).toBeGreaterThanOrEqual(events[i - 1].functionsValidated);
      expect(events[i].functionsEmitted).toBeGreaterThanOrEqual(events[i - 1].functionsEmitted);
      // Emission comes after validation: the module exists before any of its JS is made.
      if (events[i].functionsEmitted > 0) expect(events[i].functionsValidated).toBe(events[i].functionsTotal);
    }
    const last = events.at(-1)!;
    expect(last.bytesReceived).toBe(bytes.length);
    expect(last.bytesTotal).toBe(total);
    expect(last.functionsTotal).toBeGreaterThan(0);
    expect(last.functionsValidated).toBe(last.functionsTotal);
  }

  for (const workers of [0, 2]) {
    it(`reports bytes and functions as they go (workers: ${workers})`, async () => {
      const events: CompileProgress[] = [];
      const ns = createWebAssembly({ workers, inlineThreshold: 0, onProgress: (p) => events.push(p) });
      const { stream } = throttled(bytes, 65536, 1);
      const streamed = await ns.compileStreaming(
        wasmResponse(stream, { 'Content-Length': String(bytes.length) }),
      );
      // With a pool, emission goes on in the background and reports too.
      await backgroundEmission(moduleState(streamed, 'test').code);
      check(events, bytes.length);
      expect(events.at(-1)!.functionsEmitted).toBe(workers === 0 ? 0 : events.at(-1)!.functionsTotal);
      events.length = 0;
      await backgroundEmission(moduleState(await ns.compile(bytes), 'test').code);
      check(events, bytes.length);
    });
  }

  it('has no total for a content-encoded or unsized body', async () => {
    const events: CompileProgress[] = [];
    const ns = createWebAssembly({ onProgress: (p) => events.push(p) });
    const { stream } = throttled(bytes, 65536, 0);
    await ns.compileStreaming(
      wasmResponse(stream, { 'Content-Length': '10', 'Content-Encoding': 'identity, gzip' }),
    );
    check(events, undefined);
  });

  it('takes a per-call callback instead of the namespace’s', async () => {
    const mine: CompileProgress[] = [];
    const theirs: CompileProgress[] = [];
    const ns = createWebAssembly({ onProgress: (p) => theirs.push(p) });
    const { stream } = throttled(bytes, 65536, 0);
    await compileStreaming(ns, wasmResponse(stream), { onProgress: (p) => mine.push(p) });
    check(mine, undefined);
    expect(theirs).toEqual([]);
  });
});

describe('compileStreaming(namespace, source, { signal })', () => {
  it('rejects at once when aborted, cancelling the download', async () => {
    const ns = createWebAssembly({ workers: 1, inlineThreshold: 0 });
    const { stream, log } = throttled(bytes, 65536, 0, { stopAt: 65536 * 2 });
    const controller = new AbortController();
    const compiling = compileStreaming(ns, wasmResponse(stream), { signal: controller.signal });
    await sleep(30);
    const reason = new Error('navigated away');
    controller.abort(reason);
    await expect(compiling).rejects.toBe(reason);
    expect(log.cancelled).toEqual([reason]);
    await expect(
      compileStreaming(ns, wasmResponse(kitchen), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('rejects at once when aborted before the response comes, and cancels its body when it does', async () => {
    const ns = createWebAssembly();
    let respond!: (r: Response) => void;
    const late = new Promise<Response>((resolve) => {
      respond = resolve;
    });
    const controller = new AbortController();
    const compiling = compileStreaming(ns, late, { signal: controller.signal });
    const reason = new Error('gave up waiting');
    controller.abort(reason);
    await expect(compiling).rejects.toBe(reason);
    const { stream, log } = throttled(kitchen, 16, 0);
    respond(wasmResponse(stream));
    await sleep(10);
    expect(log.cancelled).toEqual([reason]);
  });

  it('checks its arguments as the standard function does', async () => {
    const ns = createWebAssembly();
    await expect(compileStreaming({} as never, wasmResponse(kitchen))).rejects.toThrow(/namespace/);
    await expect(compileStreaming(ns, new Response(kitchen.slice()))).rejects.toThrow(TypeError);
    const module = await compileStreaming(ns, Promise.resolve(wasmResponse(kitchen)));
    expect(module).toBeInstanceOf(ns.Module);
  });
});

// ---- A process whose compiles are done exits by itself -------------------------------

describe.skipIf(sqlWasm === undefined)('a process whose compiles are done', () => {
  it('exits by itself, threads and all', async () => {
    ensureWasmloomBuilt();
    const namespaceJs = new URL('../dist/namespace.js', import.meta.url).href;
    const script = `
      import { readFileSync } from 'node:fs';
      import { createWebAssembly } from ${JSON.stringify(namespaceJs)};
      const ns = createWebAssembly({ workers: 2, inlineThreshold: 0 });
      const module = await ns.compile(readFileSync(${JSON.stringify(SQL_WASM)}));
      console.log('exports', ns.Module.exports(module).length);
    `;
    const { out, err, code, printedAt } = await runModuleScript(script, 30_000);
    expect(err).toBe('');
    expect(out).toMatch(/^exports \d+/);
    expect(code).toBe(0);
    // Long before the threads' 5 s idle timeout: nothing waited for them.
    expect(performance.now() - printedAt).toBeLessThan(3000);
  });
});
