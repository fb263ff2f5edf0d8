/** The browser build itself: what it imports, and that a Node built-in fails it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rollup } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../../wasmloom/test/share-helpers.js';
import { ensureBundled } from './bundle.js';

const distBrowser = join(root, 'packages', 'wasmloom', 'dist-browser');

/** Every module specifier a built file imports (static, re-export, dynamic). */
function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\n])\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]/g))
    out.push(m[1]);
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

describe('the browser build (packages/wasmloom/dist-browser)', () => {
  beforeAll(ensureBundled, 300_000);

  it('has the entries a page loads, and imports nothing but its own files', () => {
    const files = readdirSync(distBrowser).filter((f) => f.endsWith('.js'));
    for (const entry of ['index.js', 'polyfill.js', 'comlink.js', 'browser-worker.js'])
      expect(files).toContain(entry);
    expect(specifiers(readFileSync(join(distBrowser, 'index.js'), 'utf8')).length).toBeGreaterThan(0);
    for (const file of files) {
      for (const s of specifiers(readFileSync(join(distBrowser, file), 'utf8'))) {
        expect(s, `${file} imports ${s}`).toMatch(/^\.\/[\w.-]+\.js$/);
      }
    }
  });

  it('starts its compile workers beside itself', () => {
    const code = readdirSync(distBrowser)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(distBrowser, f), 'utf8'))
      .join('\n');
    expect(code).toContain("new URL('./browser-worker.js', import.meta.url)");
  });

  it('fails when a Node built-in sneaks in', async () => {
    const { noNodeBuiltins } = await import('../../wasmloom/rollup.config.mjs');
    for (const source of ['node:fs', 'os', 'worker_threads', 'fs/promises']) {
      const entry = `\0entry:${source}`;
      const build = rollup({
        input: entry,
        plugins: [
          noNodeBuiltins(),
          {
            name: 'virtual-entry',
            resolveId: (id: string) => (id === entry ? id : null),
            load: (id: string) => (id === entry ? `import * as m from '${source}'; console.log(m);` : null),
          },
        ],
        onwarn() {},
      });
      await expect(build).rejects.toThrow(`the browser build must not import Node's "${source}"`);
    }
  });
});
