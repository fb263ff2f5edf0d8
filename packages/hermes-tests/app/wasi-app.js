// The "React Native app" of the Hermes test: wasmloom's polyfill, a WASI
// preview1 command program whose bytes come from the bundle, and a host for
// it small enough for a phone (arguments, environment, stdout/stderr, clocks,
// random bytes, exit; no files: fd_prestat_get says there are no preopens).
// Everything the program writes is printed with Hermes's `print`, then "exit N".
// Its arguments and environment: the global APP_CONFIG, set before the bundle runs.

import bytes from 'hermes-app:module';
import { isInstalled } from 'wasmloom/dist-browser/polyfill.js';

const { args, env } = globalThis.APP_CONFIG;

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;

class Exit {
  constructor(code) {
    this.code = code;
  }
}

function encodeAscii(s) {
  const out = new Uint8Array(s.length + 1);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new Error('this host passes ASCII arguments only');
    out[i] = c;
  }
  return out; // NUL-terminated
}

function wasiImports(getMemory, output) {
  const argv = args.map(encodeAscii);
  const environ = Object.keys(env).map((k) => encodeAscii(`${k}=${env[k]}`));
  const view = () => new DataView(getMemory().buffer);
  const u8 = () => new Uint8Array(getMemory().buffer);
  const strings = (list) => ({
    sizes(countPtr, sizePtr) {
      view().setUint32(countPtr, list.length, true);
      view().setUint32(
        sizePtr,
        list.reduce((n, s) => n + s.length, 0),
        true,
      );
      return ESUCCESS;
    },
    get(ptrs, buf) {
      for (const s of list) {
        view().setUint32(ptrs, buf, true);
        u8().set(s, buf);
        ptrs += 4;
        buf += s.length;
      }
      return ESUCCESS;
    },
  });
  const a = strings(argv);
  const e = strings(environ);
  const unsupported = () => ENOSYS;
  return {
    args_sizes_get: a.sizes,
    args_get: a.get,
    environ_sizes_get: e.sizes,
    environ_get: e.get,
    clock_time_get(id, _precision, out) {
      if (id > 3) return EINVAL;
      view().setBigUint64(out, BigInt(Date.now()) * 1000000n, true);
      return ESUCCESS;
    },
    random_get(buf, len) {
      const mem = u8();
      for (let i = 0; i < len; i++) mem[buf + i] = (Math.random() * 256) | 0;
      return ESUCCESS;
    },
    fd_write(fd, iovs, count, written) {
      if (fd !== 1 && fd !== 2) return EBADF;
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view().getUint32(iovs + i * 8, true);
        const len = view().getUint32(iovs + i * 8 + 4, true);
        output[fd].push(u8().slice(ptr, ptr + len));
        total += len;
      }
      view().setUint32(written, total, true);
      return ESUCCESS;
    },
    fd_read(fd, _iovs, _count, read) {
      if (fd !== 0) return EBADF;
      view().setUint32(read, 0, true); // stdin is empty
      return ESUCCESS;
    },
    fd_fdstat_get(fd, out) {
      if (fd > 2) return EBADF;
      const v = view();
      v.setUint8(out, 2); // character device
      v.setUint16(out + 2, 0, true);
      v.setBigUint64(out + 8, 0xffffffffn, true);
      v.setBigUint64(out + 16, 0n, true);
      return ESUCCESS;
    },
    fd_prestat_get: () => EBADF, // no preopened directories
    fd_prestat_dir_name: () => EBADF,
    fd_close: (fd) => (fd > 2 ? EBADF : ESUCCESS),
    fd_seek: (fd) => (fd > 2 ? EBADF : 70), // ESPIPE on the standard streams
    fd_fdstat_set_flags: unsupported,
    fd_readdir: unsupported,
    path_create_directory: unsupported,
    path_filestat_get: unsupported,
    path_open: unsupported,
    path_remove_directory: unsupported,
    path_unlink_file: unsupported,
    proc_exit(code) {
      throw new Exit(code);
    },
  };
}

function text(chunks) {
  let s = '';
  for (const c of chunks) for (let i = 0; i < c.length; i++) s += String.fromCharCode(c[i]);
  return s;
}

async function main() {
  const output = { 1: [], 2: [] };
  let memory = null;
  const { instance } = await WebAssembly.instantiate(bytes, {
    wasi_snapshot_preview1: wasiImports(() => memory, output),
  });
  memory = instance.exports.memory;
  let code = 0;
  try {
    instance.exports._start();
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  print(`polyfill installed: ${isInstalled()}`);
  print(`stdout:\n${text(output[1])}stderr:\n${text(output[2])}exit ${code}`);
}

main().catch((e) => print(`FAILED: ${e?.name}: ${e?.message}\n${e?.stack}`));
