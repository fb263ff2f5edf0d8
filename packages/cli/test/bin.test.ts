import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { haveBin, moduleWith } from './helpers.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Runs `file args…` in the repository root: exit code and output. */
function run(file: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout + stderr });
    });
  });
}

describe('the wasmloom command by name', () => {
  it('is linked by the install before any build: its bin target is a committed file, not dist/', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'packages/cli/package.json'), 'utf8'));
    const target: string = pkg.bin.wasmloom;
    expect(target.startsWith('./dist/')).toBe(false);
    const text = await readFile(join(root, 'packages/cli', target), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it.runIf(haveBin)('runs at the repository root as node_modules/.bin/wasmloom and through npx', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'wasmloom-bin-'));
    try {
      const file = join(tmp, 'ok.wasm');
      await writeFile(file, moduleWith([[0x00, 0x0b]]));
      const direct = await run(join(root, 'node_modules/.bin/wasmloom'), ['validate', file]);
      expect(direct.code).toBe(0);
      expect(direct.out).toContain(`${file}: OK`);
      const npx = await run('npx', ['--no', 'wasmloom', 'validate', file]);
      expect(npx.code).toBe(0);
      expect(npx.out).toContain(`${file}: OK`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
