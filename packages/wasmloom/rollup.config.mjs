// The browser build: `npx -y pnpm@10 --filter wasmloom run bundle` (after `tsc -b`,
// it bundles the built dist/) writes ES modules for browsers into dist-browser/:
//
//   index.js           the `wasmloom` API (main thread)
//   polyfill.js        `wasmloom/polyfill`
//   comlink.js         `wasmloom/comlink` (and comlink's own API, the same copy)
//   browser-worker.js  the compile pool's Web Worker (@wasmloom/pool/browser-worker);
//                      the pool starts it as new URL('./browser-worker.js', import.meta.url)
//   chunk-*.js         code the entries share
//
// Node-only files are swapped for their browser versions through the
// package.json "browser" field of each package (wasmloom: pool-node.js →
// pool-browser.js; @wasmloom/pool is imported as @wasmloom/pool/browser).
// The build fails when anything would still import a Node built-in, or an
// import cannot be resolved.
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const here = dirname(fileURLToPath(import.meta.url));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Fails the build on any import of a Node built-in (static or dynamic). */
export function noNodeBuiltins() {
  return {
    name: 'no-node-builtins',
    resolveId(source, importer) {
      if (source.startsWith('node:') || builtins.has(source) || builtins.has(source.split('/')[0])) {
        const from = importer ? relative(here, importer) : 'an entry';
        this.error(`the browser build must not import Node's "${source}" (imported by ${from})`);
      }
      return null;
    },
  };
}

/** Empties the output directory first: chunk names change with their content. */
function cleanOutput(dir) {
  return {
    name: 'clean-output',
    buildStart() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** This package's own "browser" field (file → file), applied to its dist files. */
function ownBrowserField() {
  const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const map = new Map();
  for (const [from, to] of Object.entries(typeof pkg.browser === 'object' ? pkg.browser : {})) {
    if (typeof to === 'string') map.set(resolve(here, from), resolve(here, to));
  }
  return {
    name: 'own-browser-field',
    async resolveId(source, importer, options) {
      if (!importer || !source.startsWith('.')) return null;
      const target = map.get(resolve(dirname(importer), source));
      return target === undefined ? null : this.resolve(target, importer, { ...options, skipSelf: true });
    },
  };
}

/** `@wasmloom/pool` (its Node index: piscina) → `@wasmloom/pool/browser`. */
function browserPool() {
  return {
    name: 'browser-pool',
    resolveId(source, importer, options) {
      if (source !== '@wasmloom/pool') return null;
      return this.resolve('@wasmloom/pool/browser', importer, { ...options, skipSelf: true });
    },
  };
}

export default {
  input: {
    index: join(here, 'dist/index.js'),
    polyfill: join(here, 'dist/polyfill.js'),
    comlink: join(here, 'dist/comlink.js'),
    'browser-worker': '@wasmloom/pool/browser-worker',
  },
  // Entry modules keep their exports (a page imports them).
  preserveEntrySignatures: 'strict',
  plugins: [
    cleanOutput(join(here, 'dist-browser')),
    noNodeBuiltins(),
    ownBrowserField(),
    browserPool(),
    nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'], preferBuiltins: false }),
  ],
  onwarn(warning, warn) {
    // An import left unresolved would be left to the browser to fetch: fail instead.
    if (warning.code === 'UNRESOLVED_IMPORT' || warning.code === 'MISSING_EXPORT') {
      throw new Error(`browser build: ${warning.message}`);
    }
    warn(warning);
  },
  output: {
    dir: join(here, 'dist-browser'),
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunk-[hash].js',
    sourcemap: true,
  },
};
