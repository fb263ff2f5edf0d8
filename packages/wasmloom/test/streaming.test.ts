/**
 * The streaming driver `compileChunks`: the same result and the same first
 * error however the bytes are split, bodies compiled as they arrive (an
 * invalid body rejects before the rest of the bytes exist), abort, and bad
 * chunks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURES, WasmError } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { compileModuleBytes } from '../src/decode.js';
import { compileChunks } from '../src/streaming.js';
import { body, build, funcType, I32, kitchen } from './modules.js';

const features = DEFAULT_FEATURES;

function* split(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const n = sizes[i++ % sizes.length];
    // A fresh copy each time, reused buffers are the producer's business.
    yield bytes.slice(at, at + n);
    at += n;
  }
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    const code = (await p) as { sources: string[]; module: { exports: unknown[] } };
    return { sources: code.sources, exports: code.module.exports };
  } catch (e) {
    return e instanceof WasmError
      ? { kind: e.kind, offset: e.offset, funcIndex: e.funcIndex, message: e.message }
      : e;
  }
}

function syncOutcome(bytes: Uint8Array): unknown {
  return outcome(
    new Promise((resolve) => {
      resolve(compileModuleBytes(bytes, features));
    }),
  );
}

const splits = [[1], [2, 3], [7], [16], [64, 1, 5], [1 << 20]];

/** Three functions, the second invalid (i32.add on an empty stack), then a malformed data section. */
const invalidThenMalformed = (() => {
  const m = build({
    types: [funcType([], [I32])],
    funcs: [0, 0, 0],
    codes: [body(0x41, 1, 0x0b), body(0x6a, 0x0b), body(0x41, 3, 0x0b)],
  });
  // A data section whose count says 5 segments but has none.
  return new Uint8Array([...m, 11, 1, 5]);
})();

describe('compileChunks', () => {
  it('gives the same code as the whole-buffer compile, for every split', async () => {
    const expected = await syncOutcome(kitchen);
    for (const sizes of splits) {
      expect(await outcome(compileChunks(split(kitchen, sizes), features))).toEqual(expected);
    }
  });

  it('takes async iterables and reused chunk buffers', async () => {
    const shared = new Uint8Array(5);
    async function* reusing() {
      for (let at = 0; at < kitchen.length; at += 5) {
        const part = kitchen.subarray(at, at + 5);
        shared.fill(0);
        shared.set(part);
        yield shared.subarray(0, part.length);
      }
    }
    expect(await outcome(compileChunks(reusing(), features))).toEqual(await syncOutcome(kitchen));
  });

  it('reports the error at the lowest byte offset, the same for every split and the sync path', async () => {
    const expected = (await syncOutcome(invalidThenMalformed)) as { funcIndex: number; kind: string };
    expect(expected.funcIndex).toBe(1);
    expect(expected.kind).toBe('invalid');
    for (const sizes of splits) {
      expect(await outcome(compileChunks(split(invalidThenMalformed, sizes), features))).toEqual(expected);
    }
    const truncated = kitchen.subarray(0, kitchen.length - 3);
    const truncatedError = await syncOutcome(truncated);
    for (const sizes of splits) {
      expect(await outcome(compileChunks(split(truncated, sizes), features))).toEqual(truncatedError);
    }
  });

  it('compiles bodies as they arrive: an invalid body rejects before the rest of the bytes exist', async () => {
    let returned = false;
    const cut = invalidThenMalformed.length - 3 - 5; // after the second body, before the third ends
    async function* hangs() {
      try {
        yield invalidThenMalformed.slice(0, cut);
        await new Promise(() => {});
      } finally {
        returned = true;
      }
    }
    const error = await compileChunks(hangs(), features).catch((e) => e);
    expect(error).toBeInstanceOf(WasmError);
    expect((error as WasmError).funcIndex).toBe(1);
    // The error came while the first chunk was pushed: the source was closed
    // (its `finally` ran) without being asked for the chunk that never comes.
    expect(returned).toBe(true);
  });

  it('stops reading when the decoder fails and closes the source', async () => {
    let pulled = 0;
    let closed = false;
    const bad = kitchen.slice();
    bad[0] = 1;
    const source = {
      [Symbol.asyncIterator]() {
        return {
          next: async () => {
            pulled++;
            return { done: false, value: bad.slice(0, 8) };
          },
          return: async () => {
            closed = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    await expect(compileChunks(source as AsyncIterable<Uint8Array>, features)).rejects.toBeInstanceOf(
      WasmError,
    );
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
  });

  it('passes the source errors through, as they are', async () => {
    const boom = new Error('network');
    async function* failing() {
      yield kitchen.slice(0, 10);
      throw boom;
    }
    await expect(compileChunks(failing(), features)).rejects.toBe(boom);
  });

  it('aborts with the signal reason', async () => {
    const reason = new Error('stop');
    await expect(compileChunks([kitchen], features, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    const controller = new AbortController();
    async function* slow() {
      yield kitchen.slice(0, 20);
      controller.abort(reason);
      yield kitchen.slice(20);
    }
    await expect(compileChunks(slow(), features, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('refuses chunks that are not Uint8Arrays', async () => {
    await expect(compileChunks([kitchen.buffer as never], features)).rejects.toBeInstanceOf(TypeError);
    await expect(compileChunks(['\0asm' as never], features)).rejects.toBeInstanceOf(TypeError);
    // Other realms' Uint8Arrays are fine.
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])') as Uint8Array;
    await expect(compileChunks([foreign], features)).resolves.toMatchObject({ sources: [] });
  });

  const sqlWasm = fileURLToPath(
    new URL('../../realworld/node_modules/sql.js/dist/sql-wasm.wasm', import.meta.url),
  );
  it.skipIf(!existsSync(sqlWasm))(
    'a real module (sql.js, 0.7 MB) in 64 KiB and odd-sized chunks',
    async () => {
      const bytes = new Uint8Array(readFileSync(sqlWasm));
      const whole = compileModuleBytes(bytes, features);
      for (const sizes of [[65536], [4099, 17]]) {
        const code = await compileChunks(split(bytes, sizes), features);
        expect(code.sources).toEqual(whole.sources);
        expect(code.module.exports).toEqual(whole.module.exports);
      }
    },
  );
});
