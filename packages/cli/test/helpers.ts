/** What the command tests share: captured output, small hand-encoded modules, the built binary. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { section, str, uleb, vec, wasmModule } from '@wasmloom/binary';
import type { CommandIO } from '../src/io.js';

/** A CommandIO that keeps what the command printed (text and bytes alike). */
export function capture(stdin?: Uint8Array | string): CommandIO & { out: () => string; err: () => string } {
  const decoder = new TextDecoder();
  let out = '';
  let err = '';
  const text = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? chunk : decoder.decode(chunk));
  return {
    stdout: { write: (s: string | Uint8Array) => (out += text(s)) },
    stderr: { write: (s: string | Uint8Array) => (err += text(s)) },
    stdin: typeof stdin === 'string' ? new TextEncoder().encode(stdin) : (stdin ?? new Uint8Array(0)),
    out: () => out,
    err: () => err,
  };
}

// ---- Modules encoded by hand (@wasmloom/binary's writer) ------------------------------------------

/**
 * A module of `() -> ()` functions with the given bodies (locals vector
 * included), exporting them as f0, f1, …, and `memory` when asked.
 */
export function moduleWith(
  bodies: number[][],
  opts: { imports?: [string, string][]; memory?: boolean; exportNames?: string[] } = {},
): Uint8Array {
  const imports = opts.imports ?? [];
  const names = opts.exportNames ?? bodies.map((_, i) => `f${i}`);
  return wasmModule(
    section(1, vec([[0x60, 0x00, 0x00]])),
    imports.length ? section(2, vec(imports.map(([m, n]) => [...str(m), ...str(n), 0x00, 0x00]))) : [],
    section(3, vec(bodies.map(() => [0]))),
    opts.memory ? section(5, vec([[0x00, 0x01]])) : [],
    section(
      7,
      vec([
        ...bodies.map((_, i) => [...str(names[i]), 0x00, ...uleb(imports.length + i)]),
        ...(opts.memory ? [[...str('memory'), 0x02, 0x00]] : []),
      ]),
    ),
    section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  );
}

export const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const haveBin = existsSync(bin);
export const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

export interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node args…` with `stdin`, resolving (never rejecting) with its exit code and output. */
export function spawnNode(args: string[], stdin = '', options: { timeout?: number } = {}): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--no-warnings', ...args],
      { timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}
