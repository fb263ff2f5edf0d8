import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Payload, StreamingParser, WasmError } from '../src/index.js';
import {
  type Bytes,
  body,
  code,
  custom,
  funcs,
  functype,
  HEADER,
  section,
  types,
  u32,
  wasm,
} from './fixtures/encode.js';

/** Runs a parser over the whole buffer with eof, collecting payloads. */
function parseAll(bytes: Uint8Array): Payload[] {
  const p = new StreamingParser();
  const out: Payload[] = [];
  let pos = 0;
  for (;;) {
    const step = p.parse(bytes.subarray(pos), true);
    if (step.type !== 'parsed') throw new Error('needMoreData at eof');
    pos += step.consumed;
    out.push(step.payload);
    if (step.payload.kind === 'end') return out;
  }
}

function errorOf(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WasmError);
    return e as WasmError;
  }
  throw new Error('expected an error');
}

const small = wasm(
  types(functype([], [])),
  funcs(0, 0),
  custom('hello', [1, 2, 3]),
  code(body([0x01]), body([0x01, 0x01])),
  section(11, [0]),
);

describe('StreamingParser payloads', () => {
  it('splits a module into header, sections, code bodies and end with absolute offsets', () => {
    const payloads = parseAll(small);
    expect(payloads.map((p) => p.kind)).toEqual([
      'header',
      'section',
      'section',
      'customSection',
      'codeSectionStart',
      'functionBody',
      'functionBody',
      'section',
      'end',
    ]);
    const type = payloads[1] as Extract<Payload, { kind: 'section' }>;
    expect(type).toMatchObject({ id: 1, offset: 8, contentOffset: 10 });
    expect(Array.from(type.bytes)).toEqual([1, 0x60, 0, 0]);
    const c = payloads[3] as Extract<Payload, { kind: 'customSection' }>;
    expect(c.name).toBe('hello');
    expect(Array.from(c.bytes)).toEqual([1, 2, 3]);
    expect(small[c.contentOffset]).toBe(1);
    const start = payloads[4] as Extract<Payload, { kind: 'codeSectionStart' }>;
    expect(start.count).toBe(2);
    const b0 = payloads[5] as Extract<Payload, { kind: 'functionBody' }>;
    const b1 = payloads[6] as Extract<Payload, { kind: 'functionBody' }>;
    expect([b0.ordinal, b1.ordinal]).toEqual([0, 1]);
    expect(Array.from(b0.bytes)).toEqual([0, 1, 0x0b]);
    expect(Array.from(small.subarray(b1.offset, b1.offset + 4))).toEqual([0, 1, 1, 0x0b]);
    expect(start.end).toBe(b1.offset + 4);
    expect(payloads[8]).toEqual({ kind: 'end', offset: small.length });
  });

  it('emits each function body as soon as its last byte has arrived, byte by byte', () => {
    const p = new StreamingParser();
    let buffered = new Uint8Array(0);
    const seen: { kind: string; at: number }[] = [];
    for (let i = 0; i < small.length; i++) {
      const next = new Uint8Array(buffered.length + 1);
      next.set(buffered);
      next[buffered.length] = small[i];
      buffered = next;
      for (;;) {
        const step = p.parse(buffered, false);
        if (step.type === 'needMoreData') {
          expect(step.hint).toBeGreaterThan(0);
          break;
        }
        seen.push({ kind: step.payload.kind, at: i + 1 });
        buffered = buffered.slice(step.consumed);
      }
    }
    const end = p.parse(buffered, true);
    expect(end.type === 'parsed' && end.payload.kind).toBe('end');
    // Every payload appears exactly when its last byte is in.
    const ref = parseAll(small);
    const ends: number[] = [];
    let pos = 0;
    for (const payload of ref) {
      if (payload.kind === 'header') pos = 8;
      else if (payload.kind === 'functionBody') pos = payload.offset + payload.bytes.length;
      else if (payload.kind === 'codeSectionStart') pos = payload.contentOffset + 1;
      else if (payload.kind === 'section' || payload.kind === 'customSection')
        pos = payload.contentOffset + payload.bytes.length;
      if (payload.kind !== 'end') ends.push(pos);
    }
    expect(seen.map((s) => s.at)).toEqual(ends);
  });

  it('never buffers the code section whole: the first body comes before the rest arrives', () => {
    const big = new Array(1000).fill(0x01);
    const m = wasm(types(functype([], [])), funcs(0, 0), code(body([0x01]), body(big)));
    const p = new StreamingParser();
    let data = m.subarray(0, m.length - 500);
    const kinds: string[] = [];
    for (;;) {
      const step = p.parse(data, false);
      if (step.type === 'needMoreData') {
        expect(step.hint).toBe(500);
        break;
      }
      kinds.push(step.payload.kind);
      data = data.subarray(step.consumed);
    }
    expect(kinds).toEqual(['header', 'section', 'section', 'codeSectionStart', 'functionBody']);
  });

  it('asks for exactly the missing bytes of a section', () => {
    const m = wasm(section(11, [...u32(0), ...new Array(300).fill(0)].slice(0, 1)));
    const p = new StreamingParser();
    expect(p.parse(m.subarray(0, 8), false).type).toBe('parsed');
    expect(p.parse(m.subarray(8, 9), false)).toEqual({ type: 'needMoreData', hint: 1 });
    const s = wasm(section(5, [1, 0, 1]));
    const q = new StreamingParser();
    q.parse(s, false);
    expect(q.parse(s.subarray(8, 11), false)).toEqual({ type: 'needMoreData', hint: 2 });
  });
});

describe('StreamingParser errors', () => {
  const cases: [string, Bytes, string, number][] = [
    ['empty', [], 'unexpected end', 0],
    ['one byte', [0x01], 'unexpected end', 1],
    ['short magic', [0, 0x61, 0x73], 'unexpected end', 3],
    ['bad magic', [0, 0x41, 0x53, 0x4d, 1, 0, 0, 0], 'magic header not detected', 0],
    ['no version', [0, 0x61, 0x73, 0x6d], 'unexpected end', 4],
    ['short version', [0, 0x61, 0x73, 0x6d, 1, 0, 0], 'unexpected end', 7],
    ['version 2', [0, 0x61, 0x73, 0x6d, 2, 0, 0, 0], 'unknown binary version', 4],
    ['component version', [0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0], 'unknown binary version', 4],
    ['section id 14', [...HEADER, 14, 0], 'malformed section id', 8],
    ['section id 0x7f', [...HEADER, 0x7f, 0], 'malformed section id', 8],
    ['truncated size', [...HEADER, 1], 'unexpected end', 9],
    ['overlong size', [...HEADER, 1, 0x80, 0x80, 0x80, 0x80, 0x80], 'integer representation too long', 13],
    ['too large size', [...HEADER, 1, 0xff, 0xff, 0xff, 0xff, 0x7f], 'integer too large', 13],
    ['section past end', [...HEADER, 1, 5, 0], 'length out of bounds', 9],
    ['custom without name', [...HEADER, 0, 0], 'unexpected end', 10],
    ['custom name past section', [...HEADER, 0, 2, 5, 0x61], 'unexpected end', 12],
    ['custom name bad utf-8', [...HEADER, 0, 2, 1, 0xff], 'malformed UTF-8 encoding', 11],
    ['code count past section', [...HEADER, 10, 0], 'unexpected end of section or function', 10],
    ['body past section', [...HEADER, 10, 3, 1, 5, 0], 'unexpected end of section or function', 11],
    ['body size past section', [...HEADER, 10, 1, 1], 'unexpected end of section or function', 11],
    ['code section too long', [...HEADER, 10, 5, 1, 2, 0, 0x0b, 0], 'section size mismatch', 14],
    ['truncated body', [...HEADER, 10, 6, 1, 4, 0, 0x0b], 'unexpected end', 14],
    ['concatenated modules', [...HEADER, ...HEADER], 'length out of bounds', 9],
  ];
  for (const [name, bytes, message, offset] of cases) {
    it(name, () => {
      const e = errorOf(() => parseAll(new Uint8Array(bytes)));
      expect(e.kind).toBe('malformed');
      expect([e.message, e.offset]).toEqual([message, offset]);
    });
  }

  it('rejects a function body over the JS API size limit before buffering it', () => {
    const p = new StreamingParser();
    const m = new Uint8Array([...HEADER, 10, ...u32(7_654_400), 1, ...u32(7_654_322)]);
    p.parse(m, false);
    const rest = m.subarray(8);
    const start = p.parse(rest, false);
    expect(start.type === 'parsed' && start.payload.kind).toBe('codeSectionStart');
    const e = errorOf(() => p.parse(rest.subarray(start.type === 'parsed' ? start.consumed : 0), false));
    expect(e.message).toBe('size 7654322 > maximum function size 7654321');
  });

  it('reports the same error whatever the split (eof is consulted only when stuck)', () => {
    const m = new Uint8Array([...HEADER, 1, 4, 1, 0x60, 0, 0, 10, 9, 2, 2, 0, 0x0b, 5, 0, 0x0b]);
    const whole = errorOf(() => parseAll(m));
    for (let cut = 0; cut <= m.length; cut++) {
      const p = new StreamingParser();
      let data = m.subarray(0, cut);
      let tail = m.subarray(cut);
      const e = errorOf(() => {
        for (;;) {
          const step = p.parse(data, tail.length === 0);
          if (step.type === 'needMoreData') {
            const joined = new Uint8Array(data.length + tail.length);
            joined.set(data);
            joined.set(tail, data.length);
            data = joined;
            tail = tail.subarray(tail.length);
            continue;
          }
          if (step.payload.kind === 'end') return;
          data = data.subarray(step.consumed);
        }
      });
      expect([e.message, e.offset]).toEqual([whole.message, whole.offset]);
    }
  });
});

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bigModules = [
  here('../../../benchmarks/node_modules/esbuild-wasm/esbuild.wasm'),
  here('../../../benchmarks/node_modules/@ffmpeg/core/dist/esm/ffmpeg-core.wasm'),
].filter(existsSync);

describe.runIf(bigModules.length > 0)('StreamingParser speed', () => {
  it('splits large code sections into bodies at >= 300 MB/s', () => {
    for (const file of bigModules) {
      const bytes = new Uint8Array(readFileSync(file));
      let best = 0;
      for (let run = 0; run < 4; run++) {
        const p = new StreamingParser();
        let pos = 0;
        let t0 = 0;
        let codeBytes = 0;
        let bodies = 0;
        for (;;) {
          const step = p.parse(
            new Uint8Array(bytes.buffer, bytes.byteOffset + pos, bytes.length - pos),
            true,
          );
          if (step.type !== 'parsed') throw new Error('needMoreData at eof');
          pos += step.consumed;
          const payload = step.payload;
          if (payload.kind === 'codeSectionStart') {
            t0 = performance.now();
            codeBytes = payload.end - payload.contentOffset;
          } else if (payload.kind === 'functionBody') {
            bodies++;
          } else if (payload.kind !== 'header' && codeBytes > 0) {
            break;
          }
          if (payload.kind === 'end') break;
        }
        const ms = performance.now() - t0;
        expect(bodies).toBeGreaterThan(1000);
        best = Math.max(best, codeBytes / 1e6 / (ms / 1000));
      }
      expect(best).toBeGreaterThanOrEqual(300);
    }
  });
});
