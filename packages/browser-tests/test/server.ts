/**
 * A tiny static server on localhost for the browser tests: the pages of
 * ../pages, wasmloom's browser build under /wasmloom/, and the real modules
 * (never copied into the repo).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export interface Served {
  /** e.g. http://127.0.0.1:40123 (localhost) */
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `files` (exact paths) and `dirs` (path prefix → directory). */
export function serve(files: Record<string, string>, dirs: Record<string, string>): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    let file = files[path];
    if (file === undefined) {
      for (const [prefix, dir] of Object.entries(dirs)) {
        if (!path.startsWith(prefix)) continue;
        const rel = normalize(path.slice(prefix.length));
        if (!rel.startsWith('..')) file = join(dir, rel);
        break;
      }
    }
    let size = -1;
    try {
      if (file !== undefined && statSync(file).isFile()) size = statSync(file).size;
    } catch {}
    if (file === undefined || size < 0) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
