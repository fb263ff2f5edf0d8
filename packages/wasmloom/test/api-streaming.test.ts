/**
 * `compileStreaming` and `instantiateStreaming` against Node's native ones:
 * what counts as a Response, the Content-Type / status / body-used checks
 * (TypeError), promise sources, error classes by cause, and reading the body
 * as a stream (errors stop the download; nothing waits for the end when the
 * bytes are already bad).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyNamespace, native, parityTable } from '../../runtime/test/api-parity.js';
import { WebAssembly as loom } from '../src/index.js';
import {
  badOpcode,
  empty,
  kitchen,
  kitchenImports,
  singleImport,
  startCallsImport,
  startImportOrder,
  startTraps,
} from './modules.js';

const wasm = (bytes: Uint8Array, init: ResponseInit = {}) =>
  new Response(bytes.slice(), {
    ...init,
    headers: { 'Content-Type': 'application/wasm', ...(init.headers ?? {}) },
  });

const typed = (bytes: Uint8Array, contentType: string) =>
  new Response(bytes.slice(), { headers: { 'Content-Type': contentType } });

/** A body stream of `bytes` in chunks of `size`, recording pulls and cancellation. */
function chunked(
  bytes: Uint8Array,
  size: number,
  log: string[] = [],
  opts: { errorAt?: number; hangAt?: number } = {},
) {
  let at = 0;
  let n = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        log.push(`pull ${n}`);
        if (opts.errorAt === n) {
          controller.error(new TypeError('network went away'));
          return;
        }
        if (opts.hangAt === n) return new Promise(() => {});
        n++;
        if (at >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      },
      cancel() {
        log.push('cancel');
      },
    },
    { highWaterMark: 0 },
  );
}

const streamResponse = (body: ReadableStream<Uint8Array>) =>
  new Response(body, { headers: { 'Content-Type': 'application/wasm' } });

describe('compileStreaming', () => {
  parityTable('what it accepts', loom, {
    'a wasm Response': (W) =>
      W.compileStreaming(wasm(kitchen)).then((m: object) => W.Module.exports(m).length),
    'a promise of one': (W) => W.compileStreaming(Promise.resolve(wasm(empty))),
    'a thenable': (W) =>
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
      W.compileStreaming({ then: (resolve: (r: Response) => void) => resolve(wasm(empty)) }),
    'a rejected promise': (W) => W.compileStreaming(Promise.reject(new RangeError('nope'))),
    'a thenable whose then throws': (W) =>
      W.compileStreaming({
        // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
        then() {
          throw new SyntaxError('then');
        },
      }),
    'an ArrayBuffer': (W) => W.compileStreaming(empty.slice().buffer),
    'a Uint8Array': (W) => W.compileStreaming(empty.slice()),
    'a plain object': (W) => W.compileStreaming({}),
    'a Response-like object': (W) =>
      W.compileStreaming({
        ok: true,
        status: 200,
        bodyUsed: false,
        headers: new Headers({ 'Content-Type': 'application/wasm' }),
        body: new Response(empty.slice()).body,
        arrayBuffer: async () => empty.slice().buffer,
      }),
    null: (W) => W.compileStreaming(null),
    undefined: (W) => W.compileStreaming(undefined),
    'a Request': (W) =>
      W.compileStreaming(new Request('http://example.com/', { method: 'POST', body: empty.slice() })),
    'stray argument': (W) => W.compileStreaming(wasm(empty), {}),
  });

  parityTable('Content-Type, status and body checks', loom, {
    'no Content-Type': (W) => W.compileStreaming(new Response(empty.slice())),
    'application/octet-stream': (W) => W.compileStreaming(typed(empty, 'application/octet-stream')),
    'text/html': (W) => W.compileStreaming(typed(empty, 'text/html')),
    'application/wasm with a parameter': (W) =>
      W.compileStreaming(typed(empty, 'application/wasm; charset=utf-8')),
    'application/wasmx': (W) => W.compileStreaming(typed(empty, 'application/wasmx')),
    'status 404': (W) => W.compileStreaming(wasm(empty, { status: 404 })),
    'status 500': (W) => W.compileStreaming(wasm(empty, { status: 500 })),
    'status 201 is ok': (W) => W.compileStreaming(wasm(empty, { status: 201 })),
    'status 299 is ok': (W) => W.compileStreaming(wasm(empty, { status: 299 })),
    'a used body': async (W) => {
      const r = wasm(empty);
      await r.arrayBuffer();
      return W.compileStreaming(r);
    },
    'a locked body': (W) => {
      const r = wasm(empty);
      r.body!.getReader();
      return W.compileStreaming(r);
    },
    'an empty body': (W) =>
      W.compileStreaming(new Response(null, { headers: { 'Content-Type': 'application/wasm' } })),
    'Response.error()': (W) => W.compileStreaming(Response.error()),
    'a 404 with the wrong type': (W) => W.compileStreaming(typed(empty, 'text/html')),
  });

  it('Content-Type matching trims HTTP whitespace and ignores case (spec)', async () => {
    for (const type of ['APPLICATION/WASM', ' application/wasm', 'application/wasm\t', 'Application/Wasm']) {
      await expect(loom.compileStreaming(typed(empty, type))).resolves.toBeInstanceOf(loom.Module);
    }
  });

  parityTable('compile errors', loom, {
    'malformed body': (W) => W.compileStreaming(wasm(badOpcode)),
    'bad magic': (W) => W.compileStreaming(wasm(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))),
    'truncated module': (W) => W.compileStreaming(wasm(kitchen.subarray(0, 40))),
    'body in one-byte chunks': (W) =>
      W.compileStreaming(streamResponse(chunked(kitchen, 1))).then((m: object) => W.Module.imports(m).length),
    'body in 7-byte chunks': (W) =>
      W.compileStreaming(streamResponse(chunked(kitchen, 7))).then((m: object) => W.Module.exports(m).length),
    'a body stream that errors': (W) =>
      W.compileStreaming(streamResponse(chunked(kitchen, 16, [], { errorAt: 3 }))),
  });

  it('a stream error rejects with that error', async () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const error = new RangeError('mine');
      const body = new ReadableStream({
        start(c) {
          c.enqueue(empty.slice(0, 4));
          c.error(error);
        },
      });
      await expect(W.compileStreaming(streamResponse(body))).rejects.toBe(error);
    }
  });

  it('rejects as soon as the bytes are bad, cancelling the body, without waiting for the rest', async () => {
    // Node 20's native compileStreaming reads the body to its end before it reports
    // the error (with this stream: never); wasmloom stops at the first bad byte.
    const bad = kitchen.slice();
    bad[4] = 2; // version 2
    const log: string[] = [];
    // The stream hangs after the 3rd chunk: a compile that waited for the end would never settle.
    await expect(
      loom.compileStreaming(streamResponse(chunked(bad, 16, log, { hangAt: 3 }))),
    ).rejects.toBeInstanceOf(loom.CompileError);
    expect(log).toEqual(['pull 0', 'cancel']);
  });

  it('reads the body as a stream, chunk by chunk, not all at once', async () => {
    const log: string[] = [];
    const module = await loom.compileStreaming(streamResponse(chunked(kitchen, 32, log)));
    expect(loom.Module.exports(module)).toHaveLength(16);
    // One pull per chunk, plus the one that finds the end: nothing read ahead in bulk.
    expect(log).toHaveLength(Math.ceil(kitchen.length / 32) + 1);
  });
});

describe('instantiateStreaming', () => {
  parityTable('results and errors', loom, {
    'a wasm Response': (W) =>
      W.instantiateStreaming(wasm(kitchen), kitchenImports(W)).then(
        (r: { module: object; instance: { exports: object } }) => [
          Object.keys(r),
          r.module instanceof W.Module,
          r.instance instanceof W.Instance,
          Object.keys(r.instance.exports).length,
        ],
      ),
    'a promise of one': (W) =>
      W.instantiateStreaming(Promise.resolve(wasm(empty))).then((r: object) => Object.keys(r)),
    'imports not an object': (W) => W.instantiateStreaming(wasm(empty), 1),
    'imports not an object, bad response': (W) => W.instantiateStreaming(typed(empty, 'text/html'), 1),
    'missing imports': (W) => W.instantiateStreaming(wasm(startCallsImport)),
    'a LinkError': (W) => W.instantiateStreaming(wasm(singleImport(0, 0)), { m: { x: 1 } }),
    'a start trap': (W) => W.instantiateStreaming(wasm(startTraps)),
    'a CompileError': (W) => W.instantiateStreaming(wasm(badOpcode)),
    'a TypeError for the response': (W) => W.instantiateStreaming(typed(empty, 'text/plain')),
    'not a Response': (W) => W.instantiateStreaming(empty),
  });

  it('reads the imports after the module compiled', async () => {
    const [expected, actual] = await Promise.all(
      [native, loom].map((W: AnyNamespace) =>
        startImportOrder((imports) => W.instantiateStreaming(wasm(startCallsImport), imports)),
      ),
    );
    expect(actual).toEqual(expected);
  });
});

describe('with fetch() from a local HTTP server', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const [path, type] = (req.url ?? '').slice(1).split('?type=');
      const bytes = path === 'kitchen' ? kitchen : path === 'bad' ? badOpcode : empty;
      if (path === 'missing') {
        res.writeHead(404, { 'Content-Type': 'application/wasm' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': type ? decodeURIComponent(type) : 'application/wasm' });
      // Chunked transfer, a few bytes at a time, with pauses.
      let at = 0;
      const next = () => {
        if (at >= bytes.length) {
          res.end();
          return;
        }
        res.write(bytes.subarray(at, at + 23));
        at += 23;
        setTimeout(next, 1);
      };
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  parityTable('instantiateStreaming(fetch(url))', loom, {
    'a module sent in chunks': (W) =>
      W.instantiateStreaming(fetch(`${base}/kitchen`), kitchenImports(W)).then(
        (r: { instance: { exports: Record<string, (...a: unknown[]) => unknown> } }) => [
          r.instance.exports.add64(2, 40n),
          r.instance.exports.getG(),
        ],
      ),
    'a 404': (W) => W.instantiateStreaming(fetch(`${base}/missing`)),
    'served as text/plain': (W) => W.compileStreaming(fetch(`${base}/empty?type=text%2Fplain`)),
    'a malformed module': (W) => W.compileStreaming(fetch(`${base}/bad`)),
    'a refused connection': (W) => W.compileStreaming(fetch('http://127.0.0.1:1/')),
  });
});
