/**
 * The WASI host's calls one by one, on a plain ArrayBuffer as the program's
 * memory: the sandbox (no path may leave a preopened directory, by `..` or by
 * a symbolic link), stdio, the preopen names, clocks and poll.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, OFlags, Rights } from '../src/wasi/abi.js';
import { WasiExit, WasiPreview1 } from '../src/wasi/index.js';

let tmp: string;
let root: string;
let outside: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasmloom-wasi-'));
  root = join(tmp, 'root');
  outside = join(tmp, 'outside');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'inside.txt'), 'inside\n');
  await writeFile(join(outside, 'secret.txt'), 'secret\n');
  await symlink(outside, join(root, 'escape'));
  await symlink('inside.txt', join(root, 'alias.txt'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A host with a 64 KiB memory, and helpers to put strings in it and read numbers out. */
function host(options: ConstructorParameters<typeof WasiPreview1>[0] = {}) {
  const memory = { buffer: new ArrayBuffer(65536) };
  const wasi = new WasiPreview1(options);
  // `start` binds the memory; a fake `_start` that does nothing lets us call imports afterwards.
  wasi.start({ exports: { memory, _start: () => {} } });
  const view = () => new DataView(memory.buffer);
  const call = (name: string, ...args: (number | bigint)[]) =>
    (wasi.imports[name] as (...a: (number | bigint)[]) => number)(...args);
  let next = 1024;
  const put = (s: string | Uint8Array): [number, number] => {
    const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    const at = next;
    new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
    next += bytes.length + 8;
    return [at, bytes.length];
  };
  const RESULT = 64;
  /** path_open under fd 3 (the first preopen): errno, and the new fd at RESULT. */
  const open = (path: string, oflags = 0, rights = Rights.FD_READ, follow = 1) =>
    call('path_open', 3, follow, ...put(path), oflags, rights, rights, 0, RESULT);
  const read = (fd: number, len = 100): string => {
    const [buf] = put(new Uint8Array(len));
    view().setUint32(128, buf, true);
    view().setUint32(132, len, true);
    expect(call('fd_read', fd, 128, 1, RESULT)).toBe(Errno.SUCCESS);
    return new TextDecoder().decode(new Uint8Array(memory.buffer, buf, view().getUint32(RESULT, true)));
  };
  return { wasi, memory, view, call, put, open, read, RESULT };
}

describe('the WASI sandbox', () => {
  it('opens and reads files under the preopen, through relative symlinks inside it too', () => {
    const h = host({ preopens: { '/data': root } });
    for (const path of ['inside.txt', 'sub/../inside.txt', 'alias.txt']) {
      expect(h.open(path), path).toBe(Errno.SUCCESS);
      expect(h.read(h.view().getUint32(h.RESULT, true))).toBe('inside\n');
    }
  });

  it('refuses paths that leave the preopen: .., absolute, and symlinks pointing out', () => {
    const h = host({ preopens: { '/data': root } });
    expect(h.open('../outside/secret.txt')).toBe(Errno.NOTCAPABLE);
    expect(h.open('sub/../../outside/secret.txt')).toBe(Errno.NOTCAPABLE);
    expect(h.open(join(outside, 'secret.txt'))).toBe(Errno.NOTCAPABLE);
    expect(h.open('escape/secret.txt')).toBe(Errno.NOTCAPABLE);
    expect(h.open('escape/new.txt', OFlags.CREAT, Rights.FD_WRITE)).toBe(Errno.NOTCAPABLE);
    expect(h.call('path_create_directory', 3, ...h.put('../made'))).toBe(Errno.NOTCAPABLE);
  });

  it('answers ENOENT, EEXIST and ENOTDIR like POSIX, and EBADF for unknown descriptors', () => {
    const h = host({ preopens: { '/data': root } });
    expect(h.open('missing.txt')).toBe(Errno.NOENT);
    expect(h.open('inside.txt', OFlags.CREAT | OFlags.EXCL, Rights.FD_WRITE)).toBe(Errno.EXIST);
    expect(h.open('inside.txt', OFlags.DIRECTORY)).toBe(Errno.NOTDIR);
    expect(h.call('fd_close', 99)).toBe(Errno.BADF);
    expect(h.call('fd_prestat_get', 0, h.RESULT)).toBe(Errno.BADF);
  });

  it('names its preopens and leaves other descriptors free', () => {
    const h = host({ preopens: { '/data': root, '.': outside } });
    expect(h.call('fd_prestat_get', 3, h.RESULT)).toBe(Errno.SUCCESS);
    expect(h.view().getUint32(h.RESULT + 4, true)).toBe(5);
    const [buf] = h.put('.....');
    expect(h.call('fd_prestat_dir_name', 3, buf, 5)).toBe(Errno.SUCCESS);
    expect(new TextDecoder().decode(new Uint8Array(h.memory.buffer, buf, 5))).toBe('/data');
    expect(h.call('fd_prestat_get', 4, h.RESULT)).toBe(Errno.SUCCESS);
    expect(h.call('fd_prestat_get', 5, h.RESULT)).toBe(Errno.BADF);
  });

  it('writes files, appending when asked', async () => {
    const h = host({ preopens: { '/data': root } });
    expect(
      h.call(
        'path_open',
        3,
        1,
        ...h.put('out.txt'),
        OFlags.CREAT | OFlags.TRUNC,
        Rights.FD_WRITE,
        0n,
        1,
        h.RESULT,
      ),
    ).toBe(Errno.SUCCESS);
    const fd = h.view().getUint32(h.RESULT, true);
    for (const text of ['one\n', 'two\n']) {
      const [buf, len] = h.put(text);
      h.view().setUint32(128, buf, true);
      h.view().setUint32(132, len, true);
      expect(h.call('fd_write', fd, 128, 1, h.RESULT)).toBe(Errno.SUCCESS);
    }
    expect(h.call('fd_close', fd)).toBe(Errno.SUCCESS);
    expect(await readFile(join(root, 'out.txt'), 'utf8')).toBe('one\ntwo\n');
  });
});

describe('the WASI host', () => {
  it('reads stdin given as bytes and writes stdout as bytes', () => {
    const written: Uint8Array[] = [];
    const h = host({ stdin: new TextEncoder().encode('abc'), stdout: { write: (b) => written.push(b) } });
    expect(h.read(0, 2)).toBe('ab');
    expect(h.read(0, 10)).toBe('c');
    expect(h.read(0, 10)).toBe('');
    const [buf, len] = h.put('hé');
    h.view().setUint32(128, buf, true);
    h.view().setUint32(132, len, true);
    expect(h.call('fd_write', 1, 128, 1, h.RESULT)).toBe(Errno.SUCCESS);
    expect(new TextDecoder().decode(written[0])).toBe('hé');
    expect(h.call('fd_seek', 1, 0n, 0, h.RESULT)).toBe(Errno.SPIPE);
  });

  it('gives args and environment as NUL-terminated strings', () => {
    const h = host({ args: ['prog', 'ü'], env: { A: '1' } });
    expect(h.call('args_sizes_get', 0, 4)).toBe(Errno.SUCCESS);
    expect([h.view().getUint32(0, true), h.view().getUint32(4, true)]).toEqual([2, 5 + 3]);
    expect(h.call('args_get', 16, 256)).toBe(Errno.SUCCESS);
    const second = h.view().getUint32(20, true);
    expect(new Uint8Array(h.memory.buffer, second, 3)).toEqual(new Uint8Array([0xc3, 0xbc, 0]));
    expect(h.call('environ_sizes_get', 0, 4)).toBe(Errno.SUCCESS);
    expect(h.view().getUint32(4, true)).toBe(4);
  });

  it('sleeps in poll_oneoff for a relative clock', () => {
    const h = host();
    const sub = 512;
    const v = h.view();
    v.setBigUint64(sub, 7n, true); // userdata
    v.setUint8(sub + 8, 0); // clock
    v.setUint32(sub + 16, 1, true); // monotonic
    v.setBigUint64(sub + 24, 20_000_000n, true); // 20 ms
    const t0 = performance.now();
    expect(h.call('poll_oneoff', sub, 768, 1, h.RESULT)).toBe(Errno.SUCCESS);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    expect(v.getUint32(h.RESULT, true)).toBe(1);
    expect(v.getBigUint64(768, true)).toBe(7n);
  });

  it('turns proc_exit into the exit code of start', () => {
    const wasi = new WasiPreview1();
    const exit = wasi.imports.proc_exit as (code: number) => never;
    const memory = { buffer: new ArrayBuffer(65536) };
    expect(wasi.start({ exports: { memory, _start: () => exit(9) } })).toBe(9);
    expect(() => exit(1)).toThrow(WasiExit);
  });
});
