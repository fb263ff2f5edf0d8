/** Makes wasmloom's browser build when anything it bundles was built after it. */
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildOnce, ensureBuilt, root } from '../../wasmloom/test/share-helpers.js';

const wasmloomDir = join(root, 'packages', 'wasmloom');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function fresh(): boolean {
  try {
    const bundledAt = statSync(join(wasmloomDir, 'dist-browser', 'index.js')).mtimeMs;
    const inputs = ['binary', 'compiler', 'runtime', 'pool', 'wasmloom'].map((p) =>
      newest(join(root, 'packages', p, 'dist')),
    );
    return Math.max(...inputs, statSync(join(wasmloomDir, 'rollup.config.mjs')).mtimeMs) <= bundledAt;
  } catch {
    return false;
  }
}

/** `tsc -b packages/wasmloom`, then the rollup bundle, each only when stale. */
export function ensureBundled(): void {
  ensureBuilt();
  buildOnce(join(wasmloomDir, 'node_modules', '.bundle-lock'), fresh, () => {
    execSync('npx rollup -c rollup.config.mjs', { cwd: wasmloomDir, stdio: 'pipe' });
  });
}
