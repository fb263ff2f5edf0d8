/**
 * A WASI preview1 host for command programs, on Node's synchronous `fs`.
 *
 * Why our own: Node's `node:wasi` refuses any memory that is not a native
 * `WebAssembly.Memory` (its C++ side reads the backing store), and the npm
 * shims we tried either check `instanceof` against the global namespace,
 * cannot read stdin in Node, or keep files in memory. This one needs nothing
 * of the engine but an exported `memory` whose `buffer` is an ArrayBuffer, so
 * the same host runs a program on wasmloom and on native WebAssembly.
 *
 * What it gives the program: arguments, environment, clocks, random bytes,
 * stdin/stdout/stderr (as bytes, through the caller's streams), preopened
 * directories with files and directories under them (open, read, write, seek,
 * stat, readdir, mkdir, rename, unlink, links, times), `poll_oneoff` for
 * sleeping, and `proc_exit`. Not given: sockets and signals (ENOSYS).
 *
 * Sandbox: every path is resolved against a directory descriptor and must stay
 * under the preopened directory it descends from, lexically and after
 * following symbolic links on the host (ENOTCAPABLE otherwise).
 */

import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import {
  ClockId,
  DIRECTORY_RIGHTS,
  Errno,
  EventType,
  errnoByNodeCode,
  FdFlags,
  FILE_RIGHTS,
  FileType,
  FstFlags,
  LOOKUP_SYMLINK_FOLLOW,
  OFlags,
  Rights,
  Size,
  STREAM_RIGHTS,
  SUBCLOCK_ABSTIME,
  Whence,
} from './abi.js';

/** Where the program's stdout or stderr bytes go. */
export interface WasiOutput {
  write(bytes: Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export interface WasiOptions {
  /** argv, program name first. */
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Guest path (what the program sees, e.g. "/data" or ".") → host directory. */
  preopens?: Readonly<Record<string, string>>;
  /** A file descriptor to read (0 for the process's stdin), or the whole input as bytes. */
  stdin?: number | Uint8Array;
  stdout?: WasiOutput;
  stderr?: WasiOutput;
}

/** Thrown by `proc_exit` through the program's frames; `start` turns it into the exit code. */
export class WasiExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

/** The instance cannot be run as a command (no `_start`, no exported memory). */
export class NotACommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotACommandError';
  }
}

/** An errno answer thrown from deep inside a call. */
class ErrnoError extends Error {
  readonly errno: number;
  constructor(errno: number) {
    super(`errno ${errno}`);
    this.errno = errno;
  }
}

const fail = (errno: number): never => {
  throw new ErrnoError(errno);
};

interface Descriptor {
  type: number;
  /** Host file descriptor of a regular file (or other non-directory file). */
  hostFd?: number;
  /** Host path of a file or directory. */
  hostPath?: string;
  /** Real host path of the preopened directory this one descends from: nothing may escape it. */
  root?: string;
  /** The guest name of a preopened directory. */
  preopenName?: string;
  /** Which stdio stream: 0, 1 or 2. */
  stdio?: number;
  position: number;
  flags: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
}

type Memory = { readonly buffer: ArrayBuffer };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fileTypeOf(stat: fs.Stats | fs.BigIntStats | fs.Dirent): number {
  if (stat.isFile()) return FileType.REGULAR_FILE;
  if (stat.isDirectory()) return FileType.DIRECTORY;
  if (stat.isSymbolicLink()) return FileType.SYMBOLIC_LINK;
  if (stat.isCharacterDevice()) return FileType.CHARACTER_DEVICE;
  if (stat.isBlockDevice()) return FileType.BLOCK_DEVICE;
  if (stat.isSocket()) return FileType.SOCKET_STREAM;
  return FileType.UNKNOWN;
}

/** Sleeps the thread (the program is synchronous; there is nothing else to run meanwhile). */
function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Nanoseconds since the epoch, to the microsecond. */
function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

export class WasiPreview1 {
  /** The `wasi_snapshot_preview1` import namespace. */
  readonly imports: Record<string, (...args: never[]) => unknown>;
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];
  private readonly fds = new Map<number, Descriptor>();
  private readonly stdin: number | Uint8Array;
  private stdinOffset = 0;
  private readonly out: (WasiOutput | undefined)[];
  private memory: Memory | undefined;
  private view = new DataView(new ArrayBuffer(0));

  constructor(options: WasiOptions = {}) {
    const z = (s: string) => encoder.encode(`${s}\0`);
    this.args = (options.args ?? []).map(z);
    this.env = Object.entries(options.env ?? {}).map(([k, v]) => z(`${k}=${v}`));
    this.stdin = options.stdin ?? new Uint8Array(0);
    this.out = [undefined, options.stdout, options.stderr];
    const streamType = (tty: boolean | undefined) => (tty ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN);
    const stdinTty = typeof this.stdin === 'number' && this.isTty(this.stdin);
    for (const [fd, tty] of [stdinTty, options.stdout?.isTTY, options.stderr?.isTTY].entries()) {
      this.fds.set(fd, {
        type: streamType(tty),
        stdio: fd,
        position: 0,
        flags: 0,
        rightsBase: tty ? STREAM_RIGHTS : STREAM_RIGHTS | Rights.FD_SEEK | Rights.FD_TELL,
        rightsInheriting: 0n,
      });
    }
    let next = 3;
    for (const [guest, host] of Object.entries(options.preopens ?? {})) {
      let real: string;
      try {
        real = fs.realpathSync(host);
      } catch {
        throw new Error(`cannot preopen ${host}: no such directory`);
      }
      if (!fs.statSync(real).isDirectory()) throw new Error(`cannot preopen ${host}: not a directory`);
      this.fds.set(next++, {
        type: FileType.DIRECTORY,
        hostPath: real,
        root: real,
        preopenName: guest,
        position: 0,
        flags: 0,
        rightsBase: DIRECTORY_RIGHTS,
        rightsInheriting: DIRECTORY_RIGHTS | FILE_RIGHTS,
      });
    }
    this.imports = this.makeImports();
  }

  private isTty(fd: number): boolean {
    try {
      return fs.fstatSync(fd).isCharacterDevice();
    } catch {
      return false;
    }
  }

  getImportObject(): { wasi_snapshot_preview1: Record<string, (...args: never[]) => unknown> } {
    return { wasi_snapshot_preview1: this.imports };
  }

  /**
   * Runs the command's `_start` and returns its exit code: 0 when it returns,
   * the `proc_exit` code otherwise. Traps and other errors propagate.
   */
  start(instance: { exports: Record<string, unknown> }): number {
    const { memory, _start } = instance.exports as { memory?: Memory; _start?: unknown };
    if (!memory || !(memory.buffer instanceof ArrayBuffer))
      throw new NotACommandError('the module does not export its memory as "memory"');
    if (typeof _start !== 'function')
      throw new NotACommandError('not a WASI command: the module exports no "_start" function');
    this.memory = memory;
    try {
      (_start as () => void)();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    } finally {
      this.closeAll();
    }
  }

  /** Closes the host files the program left open. */
  closeAll(): void {
    for (const d of this.fds.values()) {
      if (d.hostFd !== undefined) {
        try {
          fs.closeSync(d.hostFd);
        } catch {
          // already gone
        }
        d.hostFd = undefined;
      }
    }
  }

  // ---- memory --------------------------------------------------------------------------

  /** The DataView of the current buffer (memory.grow replaces it). */
  private mem(): DataView {
    const buffer = this.memory?.buffer;
    if (!buffer) return fail(Errno.FAULT);
    if (this.view.buffer !== buffer) this.view = new DataView(buffer);
    return this.view;
  }

  private bytes(ptr: number, len: number): Uint8Array {
    const view = this.mem();
    if (ptr < 0 || len < 0 || ptr + len > view.byteLength) fail(Errno.FAULT);
    return new Uint8Array(view.buffer, ptr, len);
  }

  private string(ptr: number, len: number): string {
    return decoder.decode(this.bytes(ptr, len));
  }

  /** The (pointer, length) pairs of an iovec array as views of memory. */
  private iovecs(iovs: number, count: number): Uint8Array[] {
    const view = this.mem();
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const at = iovs + i * Size.IOVEC;
      out.push(this.bytes(view.getUint32(at, true), view.getUint32(at + 4, true)));
    }
    return out;
  }

  private writeFilestat(ptr: number, st: fs.BigIntStats | undefined, type: number): void {
    const v = this.mem();
    this.bytes(ptr, Size.FILESTAT).fill(0);
    v.setUint8(ptr + 16, type);
    if (!st) return;
    v.setBigUint64(ptr, st.dev, true);
    v.setBigUint64(ptr + 8, st.ino, true);
    v.setBigUint64(ptr + 24, st.nlink, true);
    v.setBigUint64(ptr + 32, st.size, true);
    v.setBigUint64(ptr + 40, st.atimeNs, true);
    v.setBigUint64(ptr + 48, st.mtimeNs, true);
    v.setBigUint64(ptr + 56, st.ctimeNs, true);
  }

  // ---- descriptors and paths ----------------------------------------------------------------

  private fd(fd: number, right?: bigint): Descriptor {
    const d = this.fds.get(fd);
    if (!d) return fail(Errno.BADF);
    if (right !== undefined && (d.rightsBase & right) === 0n) fail(Errno.NOTCAPABLE);
    return d;
  }

  private dir(fd: number, right?: bigint): Descriptor & { hostPath: string; root: string } {
    const d = this.fd(fd, right);
    if (d.type !== FileType.DIRECTORY || d.hostPath === undefined || d.root === undefined) fail(Errno.NOTDIR);
    return d as Descriptor & { hostPath: string; root: string };
  }

  private newFd(d: Descriptor): number {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, d);
    return fd;
  }

  /**
   * The host path of `path` under directory `fd`, checked to stay inside the
   * preopen: lexically, and after the host resolves symbolic links (of the
   * last component only when `follow`).
   */
  private resolve(fd: number, ptr: number, len: number, follow: boolean, right?: bigint): string {
    const d = this.dir(fd, right);
    const path = this.string(ptr, len);
    if (path.includes('\0')) fail(Errno.INVAL);
    if (path.startsWith('/')) fail(Errno.NOTCAPABLE);
    const host = nodePath.resolve(d.hostPath, path);
    const inside = (p: string) => p === d.root || p.startsWith(d.root.endsWith('/') ? d.root : `${d.root}/`);
    if (!inside(host)) fail(Errno.NOTCAPABLE);
    // The deepest part that exists, resolved by the host, must stay inside too.
    let probe = follow ? host : nodePath.dirname(host);
    for (;;) {
      try {
        if (!inside(fs.realpathSync(probe))) fail(Errno.NOTCAPABLE);
        break;
      } catch (e) {
        if (e instanceof ErrnoError) throw e;
        const parent = nodePath.dirname(probe);
        if (parent === probe) break;
        probe = parent;
      }
    }
    // "dir/" names a directory: keep the slash so the host checks that.
    return path.endsWith('/') && !host.endsWith('/') ? `${host}/` : host;
  }

  // ---- stdio --------------------------------------------------------------------------------

  private readStdin(into: Uint8Array): number {
    if (typeof this.stdin !== 'number') {
      const n = Math.min(into.length, this.stdin.length - this.stdinOffset);
      into.set(this.stdin.subarray(this.stdinOffset, this.stdinOffset + n));
      this.stdinOffset += n;
      return n;
    }
    for (;;) {
      try {
        return fs.readSync(this.stdin, into, 0, into.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN')
          sleepMs(5); // a non-blocking pipe with nothing yet
        else if (code === 'EOF') return 0;
        else throw e;
      }
    }
  }

  // ---- the imports ------------------------------------------------------------------------

  private makeImports(): Record<string, (...args: never[]) => unknown> {
    const calls = this.calls();
    const imports: Record<string, (...args: never[]) => unknown> = {};
    for (const [name, call] of Object.entries(calls)) {
      const f = call as (...args: unknown[]) => number | undefined;
      imports[name] = (...args: never[]) => {
        try {
          return f.apply(this, args) ?? Errno.SUCCESS;
        } catch (e) {
          if (e instanceof ErrnoError) return e.errno;
          const code = (e as NodeJS.ErrnoException)?.code;
          if (typeof code === 'string' && code in errnoByNodeCode) return errnoByNodeCode[code];
          if (e instanceof RangeError) return Errno.FAULT; // a view past the end of memory
          throw e; // WasiExit, and our own bugs: let them show
        }
      };
    }
    return imports;
  }

  /** Each call as the witx names it; i64 arguments arrive as BigInt. Returns an errno (undefined: success). */
  private calls() {
    const self = this;
    const enosys = () => Errno.NOSYS;

    const stringList = (list: Uint8Array[], ptrs: number, buf: number) => {
      const v = self.mem();
      for (const item of list) {
        v.setUint32(ptrs, buf, true);
        self.bytes(buf, item.length).set(item);
        ptrs += 4;
        buf += item.length;
      }
    };
    const sizes = (list: Uint8Array[], countPtr: number, sizePtr: number) => {
      const v = self.mem();
      v.setUint32(countPtr, list.length, true);
      v.setUint32(
        sizePtr,
        list.reduce((n, s) => n + s.length, 0),
        true,
      );
    };

    const fileRead = (d: Descriptor, into: Uint8Array, position: number | null): number => {
      if (d.stdio === 0) return self.readStdin(into);
      if (d.stdio !== undefined) return fail(Errno.BADF);
      if (d.hostFd === undefined) return fail(d.type === FileType.DIRECTORY ? Errno.ISDIR : Errno.BADF);
      return fs.readSync(d.hostFd, into, 0, into.length, position ?? d.position);
    };
    const fileWrite = (d: Descriptor, from: Uint8Array, position: number | null): number => {
      if (d.stdio !== undefined) {
        const out = self.out[d.stdio];
        if (!out) return fail(Errno.BADF);
        out.write(from.slice()); // a copy: memory changes as soon as we return
        return from.length;
      }
      if (d.hostFd === undefined) return fail(d.type === FileType.DIRECTORY ? Errno.ISDIR : Errno.BADF);
      const at = position ?? (d.flags & FdFlags.APPEND ? fs.fstatSync(d.hostFd).size : d.position);
      let done = 0;
      while (done < from.length) done += fs.writeSync(d.hostFd, from, done, from.length - done, at + done);
      if (position === null) d.position = at + done;
      return done;
    };
    const readv = (fd: number, iovs: number, count: number, nread: number, position: number | null) => {
      const d = self.fd(fd, Rights.FD_READ);
      let total = 0;
      for (const iov of self.iovecs(iovs, count)) {
        if (iov.length === 0) continue;
        const n = fileRead(d, iov, position === null ? null : position + total);
        total += n;
        if (position === null && d.stdio === undefined) d.position += n;
        if (n < iov.length) break;
      }
      self.mem().setUint32(nread, total, true);
    };
    const writev = (fd: number, iovs: number, count: number, nwritten: number, position: number | null) => {
      const d = self.fd(fd, Rights.FD_WRITE);
      let total = 0;
      for (const iov of self.iovecs(iovs, count)) {
        if (iov.length) total += fileWrite(d, iov, position === null ? null : position + total);
      }
      self.mem().setUint32(nwritten, total, true);
    };
    const statOf = (d: Descriptor): fs.BigIntStats | undefined => {
      if (d.hostFd !== undefined) return fs.fstatSync(d.hostFd, { bigint: true });
      if (d.hostPath !== undefined) return fs.statSync(d.hostPath, { bigint: true });
      return undefined;
    };
    /** New atime and mtime (seconds, for Node) from WASI's fstflags. */
    const times = (st: fs.BigIntStats, atim: bigint, mtim: bigint, flags: number): [number, number] => {
      const now = Date.now() / 1000;
      const sec = (ns: bigint) => Number(ns) / 1e9;
      if (
        (flags & FstFlags.ATIM && flags & FstFlags.ATIM_NOW) ||
        (flags & FstFlags.MTIM && flags & FstFlags.MTIM_NOW)
      )
        fail(Errno.INVAL);
      const a = flags & FstFlags.ATIM_NOW ? now : flags & FstFlags.ATIM ? sec(atim) : sec(st.atimeNs);
      const m = flags & FstFlags.MTIM_NOW ? now : flags & FstFlags.MTIM ? sec(mtim) : sec(st.mtimeNs);
      return [a, m];
    };

    return {
      args_get: (argv: number, buf: number) => stringList(self.args, argv, buf),
      args_sizes_get: (count: number, size: number) => sizes(self.args, count, size),
      environ_get: (environ: number, buf: number) => stringList(self.env, environ, buf),
      environ_sizes_get: (count: number, size: number) => sizes(self.env, count, size),

      clock_res_get(id: number, res: number) {
        if (id < 0 || id > ClockId.THREAD_CPUTIME) return Errno.INVAL;
        self.mem().setBigUint64(res, 1000n, true);
      },
      clock_time_get(id: number, _precision: bigint, time: number) {
        let ns: bigint;
        if (id === ClockId.REALTIME) ns = realtimeNs();
        else if (id === ClockId.MONOTONIC) ns = process.hrtime.bigint();
        else if (id === ClockId.PROCESS_CPUTIME || id === ClockId.THREAD_CPUTIME) {
          const { user, system } = process.cpuUsage();
          ns = BigInt(user + system) * 1000n;
        } else return Errno.INVAL;
        self.mem().setBigUint64(time, ns, true);
      },

      fd_advise(fd: number) {
        self.fd(fd, Rights.FD_ADVISE);
      },
      fd_allocate(fd: number, offset: bigint, len: bigint) {
        const d = self.fd(fd, Rights.FD_ALLOCATE);
        if (d.hostFd === undefined) return Errno.BADF;
        const end = Number(offset + len);
        if (fs.fstatSync(d.hostFd).size < end) fs.ftruncateSync(d.hostFd, end);
      },
      fd_close(fd: number) {
        const d = self.fd(fd);
        if (d.hostFd !== undefined) fs.closeSync(d.hostFd);
        self.fds.delete(fd);
      },
      fd_datasync(fd: number) {
        const d = self.fd(fd, Rights.FD_DATASYNC);
        if (d.hostFd !== undefined) fs.fdatasyncSync(d.hostFd);
      },
      fd_sync(fd: number) {
        const d = self.fd(fd, Rights.FD_SYNC);
        if (d.hostFd !== undefined) fs.fsyncSync(d.hostFd);
      },
      fd_fdstat_get(fd: number, buf: number) {
        const d = self.fd(fd);
        const v = self.mem();
        self.bytes(buf, Size.FDSTAT).fill(0);
        v.setUint8(buf, d.type);
        v.setUint16(buf + 2, d.flags, true);
        v.setBigUint64(buf + 8, d.rightsBase, true);
        v.setBigUint64(buf + 16, d.rightsInheriting, true);
      },
      fd_fdstat_set_flags(fd: number, flags: number) {
        const d = self.fd(fd, Rights.FD_FDSTAT_SET_FLAGS);
        // APPEND is kept (writes go to the end); NONBLOCK is accepted and ignored:
        // reads here block, which a program that retries on EAGAIN does not mind.
        d.flags = flags & (FdFlags.APPEND | FdFlags.NONBLOCK);
      },
      fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint) {
        const d = self.fd(fd);
        if ((base & ~d.rightsBase) !== 0n || (inheriting & ~d.rightsInheriting) !== 0n)
          return Errno.NOTCAPABLE;
        d.rightsBase = base;
        d.rightsInheriting = inheriting;
      },
      fd_filestat_get(fd: number, buf: number) {
        const d = self.fd(fd, Rights.FD_FILESTAT_GET);
        self.writeFilestat(buf, statOf(d), d.type);
      },
      fd_filestat_set_size(fd: number, size: bigint) {
        const d = self.fd(fd, Rights.FD_FILESTAT_SET_SIZE);
        if (d.hostFd === undefined) return Errno.BADF;
        fs.ftruncateSync(d.hostFd, Number(size));
      },
      fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number) {
        const d = self.fd(fd, Rights.FD_FILESTAT_SET_TIMES);
        const st = statOf(d);
        if (!st) return Errno.BADF;
        const [a, m] = times(st, atim, mtim, flags);
        if (d.hostFd !== undefined) fs.futimesSync(d.hostFd, a, m);
        else fs.utimesSync(d.hostPath!, a, m);
      },
      fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nread: number) =>
        readv(fd, iovs, count, nread, Number(offset)),
      fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number) =>
        writev(fd, iovs, count, nwritten, Number(offset)),
      fd_read: (fd: number, iovs: number, count: number, nread: number) =>
        readv(fd, iovs, count, nread, null),
      fd_write: (fd: number, iovs: number, count: number, nwritten: number) =>
        writev(fd, iovs, count, nwritten, null),
      fd_prestat_get(fd: number, buf: number) {
        const d = self.fd(fd);
        if (d.preopenName === undefined) return Errno.BADF;
        const v = self.mem();
        v.setUint32(buf, 0, true); // tag 0: a directory
        v.setUint32(buf + 4, encoder.encode(d.preopenName).length, true);
      },
      fd_prestat_dir_name(fd: number, path: number, len: number) {
        const d = self.fd(fd);
        if (d.preopenName === undefined) return Errno.BADF;
        const name = encoder.encode(d.preopenName);
        if (len < name.length) return Errno.NAMETOOLONG;
        self.bytes(path, name.length).set(name);
      },
      fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number) {
        const d = self.dir(fd, Rights.FD_READDIR);
        const entries: { name: string; type: number }[] = [
          { name: '.', type: FileType.DIRECTORY },
          { name: '..', type: FileType.DIRECTORY },
          ...fs
            .readdirSync(d.hostPath, { withFileTypes: true })
            .map((e) => ({ name: e.name, type: fileTypeOf(e) })),
        ];
        const out = self.bytes(buf, bufLen);
        const v = self.mem();
        let used = 0;
        for (let i = Number(cookie); i < entries.length && used < bufLen; i++) {
          const name = encoder.encode(entries[i].name);
          let ino = 0n;
          try {
            ino = fs.lstatSync(nodePath.join(d.hostPath, entries[i].name), { bigint: true }).ino;
          } catch {
            // removed meanwhile
          }
          const header = new Uint8Array(Size.DIRENT);
          const hv = new DataView(header.buffer);
          hv.setBigUint64(0, BigInt(i + 1), true);
          hv.setBigUint64(8, ino, true);
          hv.setUint32(16, name.length, true);
          hv.setUint8(20, entries[i].type);
          // An entry that does not fit is cut: the program sees a full buffer and asks again.
          for (const part of [header, name]) {
            const n = Math.min(part.length, bufLen - used);
            out.set(part.subarray(0, n), used);
            used += n;
          }
        }
        v.setUint32(bufused, used, true);
      },
      fd_renumber(from: number, to: number) {
        const d = self.fd(from);
        const old = self.fd(to);
        if (old.hostFd !== undefined) fs.closeSync(old.hostFd);
        self.fds.set(to, d);
        self.fds.delete(from);
      },
      fd_seek(fd: number, offset: bigint, whence: number, newOffset: number) {
        const d = self.fd(fd, Rights.FD_SEEK);
        if (d.hostFd === undefined) return d.type === FileType.DIRECTORY ? Errno.ISDIR : Errno.SPIPE;
        const base =
          whence === Whence.SET
            ? 0
            : whence === Whence.CUR
              ? d.position
              : whence === Whence.END
                ? fs.fstatSync(d.hostFd).size
                : fail(Errno.INVAL);
        const next = base + Number(offset);
        if (next < 0) return Errno.INVAL;
        d.position = next;
        self.mem().setBigUint64(newOffset, BigInt(next), true);
      },
      fd_tell(fd: number, offset: number) {
        const d = self.fd(fd, Rights.FD_TELL);
        if (d.hostFd === undefined) return Errno.SPIPE;
        self.mem().setBigUint64(offset, BigInt(d.position), true);
      },

      path_create_directory(fd: number, path: number, len: number) {
        fs.mkdirSync(self.resolve(fd, path, len, false, Rights.PATH_CREATE_DIRECTORY));
      },
      path_filestat_get(fd: number, flags: number, path: number, len: number, buf: number) {
        const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
        const host = self.resolve(fd, path, len, follow, Rights.PATH_FILESTAT_GET);
        const st = follow ? fs.statSync(host, { bigint: true }) : fs.lstatSync(host, { bigint: true });
        self.writeFilestat(buf, st, fileTypeOf(st));
      },
      path_filestat_set_times(
        fd: number,
        flags: number,
        path: number,
        len: number,
        atim: bigint,
        mtim: bigint,
        fstFlags: number,
      ) {
        const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
        const host = self.resolve(fd, path, len, follow, Rights.PATH_FILESTAT_SET_TIMES);
        const st = follow ? fs.statSync(host, { bigint: true }) : fs.lstatSync(host, { bigint: true });
        const [a, m] = times(st, atim, mtim, fstFlags);
        if (follow) fs.utimesSync(host, a, m);
        else fs.lutimesSync(host, a, m);
      },
      path_link(
        oldFd: number,
        oldFlags: number,
        oldPath: number,
        oldLen: number,
        newFd: number,
        newPath: number,
        newLen: number,
      ) {
        const from = self.resolve(
          oldFd,
          oldPath,
          oldLen,
          (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0,
          Rights.PATH_LINK_SOURCE,
        );
        fs.linkSync(from, self.resolve(newFd, newPath, newLen, false, Rights.PATH_LINK_TARGET));
      },
      path_open(
        fd: number,
        dirFlags: number,
        path: number,
        len: number,
        oflags: number,
        rightsBase: bigint,
        rightsInheriting: bigint,
        fdFlags: number,
        opened: number,
      ) {
        const parent = self.dir(fd, Rights.PATH_OPEN);
        const follow = (dirFlags & LOOKUP_SYMLINK_FOLLOW) !== 0;
        const host = self.resolve(fd, path, len, follow);
        let st: fs.Stats | undefined;
        try {
          st = follow ? fs.statSync(host) : fs.lstatSync(host);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        const base = rightsBase & parent.rightsInheriting;
        const inheriting = rightsInheriting & parent.rightsInheriting;
        if (st?.isDirectory()) {
          if (oflags & OFlags.CREAT && oflags & OFlags.EXCL) return Errno.EXIST;
          if (oflags & OFlags.TRUNC || rightsBase & Rights.FD_WRITE) return Errno.ISDIR;
          self.mem().setUint32(
            opened,
            self.newFd({
              type: FileType.DIRECTORY,
              hostPath: host.replace(/\/$/, '') || '/',
              root: parent.root,
              position: 0,
              flags: 0,
              rightsBase: base & ~(Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL),
              rightsInheriting: inheriting,
            }),
            true,
          );
          return;
        }
        if (oflags & OFlags.DIRECTORY) return st ? Errno.NOTDIR : Errno.NOENT;
        if (oflags & OFlags.CREAT && !(parent.rightsBase & Rights.PATH_CREATE_FILE)) return Errno.NOTCAPABLE;
        const read = (rightsBase & (Rights.FD_READ | Rights.FD_READDIR)) !== 0n;
        const write =
          (rightsBase & (Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE)) !== 0n ||
          (oflags & OFlags.TRUNC) !== 0;
        const c = fs.constants;
        let hostFlags = write ? (read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
        if (oflags & OFlags.CREAT) hostFlags |= c.O_CREAT;
        if (oflags & OFlags.EXCL) hostFlags |= c.O_EXCL;
        if (oflags & OFlags.TRUNC) hostFlags |= c.O_TRUNC;
        if (!follow) hostFlags |= c.O_NOFOLLOW;
        const hostFd = fs.openSync(host, hostFlags, 0o666);
        const type = fileTypeOf(fs.fstatSync(hostFd));
        self.mem().setUint32(
          opened,
          self.newFd({
            type,
            hostFd,
            hostPath: host,
            root: parent.root,
            position: 0,
            flags: fdFlags & (FdFlags.APPEND | FdFlags.NONBLOCK),
            rightsBase: base & FILE_RIGHTS,
            rightsInheriting: inheriting & FILE_RIGHTS,
          }),
          true,
        );
      },
      path_readlink(fd: number, path: number, len: number, buf: number, bufLen: number, bufused: number) {
        const target = encoder.encode(
          fs.readlinkSync(self.resolve(fd, path, len, false, Rights.PATH_READLINK)),
        );
        const n = Math.min(target.length, bufLen);
        self.bytes(buf, n).set(target.subarray(0, n));
        self.mem().setUint32(bufused, n, true);
      },
      path_remove_directory(fd: number, path: number, len: number) {
        fs.rmdirSync(self.resolve(fd, path, len, false, Rights.PATH_REMOVE_DIRECTORY));
      },
      path_rename(
        fd: number,
        oldPath: number,
        oldLen: number,
        newFd: number,
        newPath: number,
        newLen: number,
      ) {
        const from = self.resolve(fd, oldPath, oldLen, false, Rights.PATH_RENAME_SOURCE);
        fs.renameSync(from, self.resolve(newFd, newPath, newLen, false, Rights.PATH_RENAME_TARGET));
      },
      path_symlink(oldPath: number, oldLen: number, fd: number, newPath: number, newLen: number) {
        const target = self.string(oldPath, oldLen);
        if (target.startsWith('/')) return Errno.NOTCAPABLE;
        fs.symlinkSync(target, self.resolve(fd, newPath, newLen, false, Rights.PATH_SYMLINK));
      },
      path_unlink_file(fd: number, path: number, len: number) {
        const host = self.resolve(fd, path, len, false, Rights.PATH_UNLINK_FILE);
        if (host.endsWith('/')) return Errno.NOTDIR;
        fs.unlinkSync(host);
      },

      poll_oneoff(subs: number, events: number, count: number, nevents: number) {
        if (count === 0) return Errno.INVAL;
        const v = self.mem();
        const now = process.hrtime.bigint();
        let wait: bigint | undefined;
        const ready: { userdata: bigint; type: number; error: number }[] = [];
        const clocks: { userdata: bigint; deadline: bigint }[] = [];
        for (let i = 0; i < count; i++) {
          const at = subs + i * Size.SUBSCRIPTION;
          const userdata = v.getBigUint64(at, true);
          const tag = v.getUint8(at + 8);
          if (tag === EventType.CLOCK) {
            const id = v.getUint32(at + 16, true);
            const timeout = v.getBigUint64(at + 24, true);
            const abs = (v.getUint16(at + 40, true) & SUBCLOCK_ABSTIME) !== 0;
            const current = id === ClockId.REALTIME ? realtimeNs() : now;
            const delay = abs ? timeout - current : timeout;
            clocks.push({ userdata, deadline: now + (delay > 0n ? delay : 0n) });
            if (wait === undefined || delay < wait) wait = delay;
          } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
            // Files and our streams are always ready (a read may block, as it does natively for files).
            const fd = v.getUint32(at + 16, true);
            ready.push({ userdata, type: tag, error: self.fds.has(fd) ? Errno.SUCCESS : Errno.BADF });
          } else return Errno.INVAL;
        }
        if (ready.length === 0 && clocks.length) {
          if (wait !== undefined && wait > 0n) sleepMs(Math.ceil(Number(wait) / 1e6));
          const after = process.hrtime.bigint();
          for (const c of clocks)
            if (c.deadline <= after) ready.push({ userdata: c.userdata, type: EventType.CLOCK, error: 0 });
        }
        for (const [i, e] of ready.entries()) {
          const at = events + i * Size.EVENT;
          self.bytes(at, Size.EVENT).fill(0);
          v.setBigUint64(at, e.userdata, true);
          v.setUint16(at + 8, e.error, true);
          v.setUint8(at + 10, e.type);
        }
        v.setUint32(nevents, ready.length, true);
      },

      proc_exit(code: number) {
        throw new WasiExit(code >>> 0);
      },
      proc_raise: enosys,
      sched_yield() {},
      random_get(buf: number, len: number) {
        randomFillSync(self.bytes(buf, len));
      },

      sock_accept: enosys,
      sock_recv: enosys,
      sock_send: enosys,
      sock_shutdown: enosys,
    };
  }
}
