/**
 * Reading a module from disk the way every command wants it: whole (for the
 * commands that need all the bytes) or in chunks (for the streaming compile),
 * with the two mistakes users make most, a path that is not there and a file
 * that is not WebAssembly, turned into plain messages and exit code 1.
 */
import { open, readFile } from 'node:fs/promises';
import { formatBytes } from './format.js';
import { type CliError, inputError } from './io.js';

/** What a chunked read reports as it goes. */
export type ReadProgress = (bytesRead: number, totalBytes: number) => void;

export const READ_CHUNK_SIZE = 256 * 1024;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

function readError(path: string, err: unknown): CliError {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOENT'
      ? 'no such file'
      : e.code === 'EISDIR'
        ? 'is a directory'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.message;
  return inputError(`cannot read ${path}: ${reason}`);
}

export async function readModuleFile(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    // A plain Uint8Array view: Buffer's own subarray is slower on the parser's path.
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  } catch (err) {
    throw readError(path, err);
  }
}

/** Why `head` (a file's first bytes) is not a WebAssembly binary, or undefined when it may be one. */
export function notWasmReason(head: Uint8Array, size: number): string | undefined {
  if (size === 0) return 'the file is empty';
  if (WASM_MAGIC.every((b, i) => head[i] === b)) return undefined;
  const shown = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder().decode(head.subarray(0, 6));
  if (text.startsWith('(modul') || text.startsWith(';;'))
    return 'it looks like WebAssembly text (.wat); compile it to a binary first';
  return `it does not start with the WebAssembly magic bytes 00 61 73 6d (found ${shown})`;
}

/** Throws exit-code-1 CliError when `bytes` is clearly not a WebAssembly binary. */
export function checkWasmMagic(bytes: Uint8Array, path: string): void {
  const reason = notWasmReason(bytes.subarray(0, 8), bytes.length);
  if (reason)
    throw inputError(`${path} (${formatBytes(bytes.length)}) is not a WebAssembly module: ${reason}`);
}

/** A file's size and its chunks as they come off the disk, the magic bytes checked first (unless `checkMagic` is false). */
export async function openModuleChunks(
  path: string,
  onRead?: ReadProgress,
  chunkSize = READ_CHUNK_SIZE,
  checkMagic = true,
): Promise<{ size: number; chunks: AsyncIterable<Uint8Array> }> {
  let handle: Awaited<ReturnType<typeof open>>;
  let size: number;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    size = stat.size;
  } catch (err) {
    throw readError(path, err);
  }
  const head = new Uint8Array(Math.min(8, size));
  await handle.read(head, 0, head.length, 0);
  const reason = checkMagic ? notWasmReason(head, size) : undefined;
  if (reason) {
    await handle.close();
    throw inputError(`${path} (${formatBytes(size)}) is not a WebAssembly module: ${reason}`);
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let done = 0;
    try {
      while (true) {
        // A fresh buffer each time: the consumer may hold on to a chunk.
        const buf = new Uint8Array(chunkSize);
        const { bytesRead } = await handle.read(buf, 0, chunkSize, null);
        if (bytesRead === 0) return;
        done += bytesRead;
        onRead?.(done, size);
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
  return { size, chunks: chunks() };
}
