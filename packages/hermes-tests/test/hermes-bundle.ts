/**
 * Builds a Hermes bundle of an app in ../app as a React Native release build
 * would: the modules bundled into one script (rollup, like Metro), lowered by
 * React Native's Babel preset with the Hermes profile (classes and async
 * functions lowered, Babel's helpers inlined), then compiled to Hermes
 * bytecode with `hermesc -O`. The wasm module's bytes are a module of the
 * bundle; the app's configuration is a global set by a one-line prelude.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformAsync } from '@babel/core';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const bin = join(dirname(require.resolve('hermes-engine-cli/package.json')), 'linux64-bin');
export const HERMES = join(bin, 'hermes');
const HERMESC = join(bin, 'hermesc');

/** The app `app` of ../app with `wasm`'s bytes in it, bundled and lowered: JavaScript for Hermes. */
export async function bundleApp(app: string, wasm: string): Promise<string> {
  const bytes = `export default new Uint8Array([${Array.from(readFileSync(wasm)).join(',')}]);`;
  const bundle = await rollup({
    input: join(here, '..', 'app', app),
    plugins: [
      {
        name: 'hermes-app-module',
        resolveId: (id: string) => (id === 'hermes-app:module' ? id : null),
        load: (id: string) => (id === 'hermes-app:module' ? bytes : null),
      },
      nodeResolve({ browser: true, exportConditions: ['react-native', 'browser', 'import', 'default'] }),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(`hermes bundle: ${warning.message}`);
      warn(warning);
    },
  });
  const { output } = await bundle.generate({ format: 'iife', inlineDynamicImports: true });
  await bundle.close();
  const lowered = await transformAsync(output[0].code, {
    babelrc: false,
    configFile: false,
    compact: false,
    presets: [
      [
        require.resolve('@react-native/babel-preset'),
        {
          unstable_transformProfile: 'hermes-stable',
          enableBabelRuntime: false,
          disableImportExportTransform: true,
        },
      ],
    ],
  });
  if (!lowered?.code) throw new Error('babel produced nothing');
  return lowered.code;
}

/** `js` after a prelude setting `globalThis.APP_CONFIG = config`, compiled by hermesc to `out` (bytecode). */
export function compileForHermes(js: string, config: unknown, out: string): string {
  const source = `${out}.js`;
  writeFileSync(source, `globalThis.APP_CONFIG = ${JSON.stringify(config)};\n${js}`);
  execFileSync(HERMESC, ['-emit-binary', '-O', '-w', '-out', out, source], { stdio: 'pipe' });
  return out;
}
