/**
 * Node's own `fetch` (undici, whose HTTP parser llhttp is a wasm module) against
 * a server of this process on 127.0.0.1: a chunked response, a POST echoed
 * back, a 404 and a keep-alive burst. Bounded: a fixed number of requests, and
 * the process gives up after 60 s. Besides the responses it reports which
 * llhttp build undici compiled (it tries the SIMD build first, then the scalar
 * one when compiling that fails): "llhttp compiles", one line per compile, and
 * "llhttp errors", the message of each compile that failed.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const giveUp = setTimeout(() => {
  console.error('fetch scenario: no answer within 60 s');
  process.exit(1);
}, 60_000);
giveUp.unref();

/** Wraps WebAssembly.compile to record what undici compiles, and whether it took. */
function recordCompiles(log, errors) {
  const ns = globalThis.WebAssembly;
  if (ns === undefined) return;
  const compile = ns.compile;
  ns.compile = function (bytes, ...rest) {
    const view = ArrayBuffer.isView(bytes) ? bytes : new Uint8Array(bytes);
    const entry = `${view.byteLength} bytes, sha256 ${createHash('sha256').update(view).digest('hex').slice(0, 12)}`;
    return compile.call(this, bytes, ...rest).then(
      (module) => {
        log.push(`${entry}: compiled`);
        return module;
      },
      (e) => {
        log.push(`${entry}: ${e?.name}`);
        errors.push(String(e?.message));
        throw e;
      },
    );
  };
}

export async function run(time) {
  const compiles = [];
  const errors = [];
  recordCompiles(compiles, errors);
  const server = createServer((req, res) => {
    const body = [];
    req.on('data', (c) => body.push(c));
    req.on('end', () => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-parts': '3' });
        for (const part of ['first,', 'second,', 'third']) res.write(part); // Transfer-Encoding: chunked
        res.end();
      } else {
        const echoed = Buffer.concat(body).toString('utf8');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ method: req.method, url: req.url, echoed, type: req.headers['content-type'] }),
        );
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const outputs = {};
  const show = async (r) =>
    `${r.status} ${r.statusText} ${r.headers.get('content-type')} ${r.headers.get('x-parts') ?? '-'} ${await r.text()}`;
  try {
    await time('first request', async () => {
      outputs.chunked = await show(await fetch(`${origin}/chunked`));
    });
    await time('work', async () => {
      outputs.post = await show(
        await fetch(`${origin}/echo?q=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hello: 'wörld', n: 42 }),
        }),
      );
      outputs.missing = await show(await fetch(`${origin}/missing`));
      const burst = await Promise.all(
        Array.from({ length: 8 }, (_, i) => fetch(`${origin}/n/${i}`).then(show)),
      );
      outputs.burst = burst.join('\n');
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections?.();
  }
  outputs['llhttp compiles'] = compiles.join('\n');
  outputs['llhttp errors'] = errors.join('\n');
  return outputs;
}
