/**
 * brotli-wasm (Rust, wasm-bindgen): compress 2 MB of text and 512 KB of
 * random bytes at several qualities (11 on a smaller part: it is slow), decompress, and the streaming API.
 */
import { createRequire } from 'node:module';
import { randomBytes, text } from './data.mjs';

const require = createRequire(import.meta.url);

export async function run(time) {
  const brotli = await time('load', () => require('brotli-wasm'));
  const prose = new TextEncoder().encode(text(2_000_000));
  const noise = randomBytes(512 * 1024, 77);
  const outputs = {};
  await time('work', () => {
    const q5 = brotli.compress(prose, { quality: 5 });
    outputs['text q5'] = q5;
    outputs['text q11 (first 64 KB)'] = brotli.compress(prose.subarray(0, 64 * 1024), { quality: 11 });
    outputs['text default quality (first 32 KB)'] = brotli.compress(prose.subarray(0, 32 * 1024));
    outputs['noise q9'] = brotli.compress(noise, { quality: 9 });
    const back = brotli.decompress(q5);
    outputs['round trip equal'] = String(
      back.length === prose.length && back.every((b, i) => b === prose[i]),
    );
    outputs['noise round trip'] = brotli.decompress(outputs['noise q9']);
    // Streaming compression in 64 KiB pieces.
    const stream = new brotli.CompressStream(6);
    const pieces = [];
    for (let at = 0; at < prose.length; at += 65_536) {
      let input = prose.subarray(at, at + 65_536);
      for (;;) {
        const r = stream.compress(input, 4096);
        pieces.push(r.buf);
        input = input.subarray(r.input_offset);
        if (r.code !== brotli.BrotliStreamResultCode.NeedsMoreOutput) break;
      }
    }
    for (;;) {
      const r = stream.compress(undefined, 4096);
      pieces.push(r.buf);
      if (r.code === brotli.BrotliStreamResultCode.ResultSuccess) break;
    }
    stream.free();
    outputs.streamed = Buffer.concat(pieces);
    let corrupt;
    try {
      brotli.decompress(new Uint8Array([1, 2, 3, 4, 5]));
      corrupt = 'no error';
    } catch (e) {
      corrupt = String(e);
    }
    outputs['corrupt input'] = corrupt;
  });
  return outputs;
}
