/**
 * esbuild-wasm (Go): transform and minify a TypeScript file through the JS
 * API. In Node, esbuild-wasm runs esbuild.wasm in a service process it
 * spawns; the engine reaches it through NODE_OPTIONS (see engine.mjs).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A TypeScript file with the usual features, about 35 KB. */
function typescriptSource() {
  const parts = [
    'export enum Color { Red = 1, Green, Blue = "blue" }',
    'export interface Shape { area(): number; readonly name: string }',
    'type Maybe<T> = T | undefined;',
  ];
  for (let i = 0; i < 40; i++) {
    parts.push(`
export abstract class Base${i}<T extends object = {}> implements Shape {
  protected static count${i}: number = ${i};
  private readonly cache = new Map<string, T>();
  constructor(public readonly name: string, private scale: number = ${i % 7} ) {}
  abstract area(): number;
  get label(): string { return \`\${this.name}#\${Base${i}.count${i}}\`; }
  async load(key: string, make: () => Promise<T>): Promise<T> {
    const hit: Maybe<T> = this.cache.get(key);
    if (hit !== undefined) return hit;
    const value = await make();
    this.cache.set(key, value);
    return value ?? ({} as T);
  }
}
export class Square${i} extends Base${i} {
  constructor(private side: number) { super("square${i}"); }
  area(): number { return this.side ** 2 * ${(i % 5) + 1} + (Color.Green as number); }
}
export function sum${i}(...xs: number[]): number {
  let total = 0;
  for (const x of xs) total += x > ${i} ? x : x * 2;
  return total || ${i};
}
export const config${i} = { id: ${i}, deep: { value: ${i * 3}, list: [1, 2, 3].map((n) => n * ${i}) } } as const;
namespace Space${i} { export const inner = sum${i}(1, 2, ${i}); }
export const fromSpace${i} = Space${i}.inner?.toString() ?? "none";`);
  }
  return parts.join('\n');
}

export async function run(time) {
  const esbuild = require('esbuild-wasm');
  const source = typescriptSource();
  const outputs = {};
  await time('load', async () => {
    await esbuild.initialize({});
    // The first call waits for the service process to compile esbuild.wasm.
    outputs['first transform'] = (await esbuild.transform('let x: number = 1', { loader: 'ts' })).code;
  });
  await time('work', async () => {
    const minified = await esbuild.transform(source, {
      loader: 'ts',
      minify: true,
      target: 'es2018',
      sourcemap: 'external',
      sourcefile: 'input.ts',
    });
    outputs['minified code'] = minified.code;
    outputs['minified map'] = minified.map;
    const plain = await esbuild.transform(source, { loader: 'ts', format: 'cjs', target: 'es2020' });
    outputs['cjs code'] = plain.code;
    outputs.warnings = JSON.stringify(plain.warnings);
    const bundle = await esbuild.build({
      stdin: {
        contents: `import { sum3 } from './lib'; console.log(sum3(1, 2));`,
        resolveDir: '/',
        loader: 'ts',
      },
      bundle: true,
      write: false,
      minify: true,
      plugins: [
        {
          name: 'virtual',
          setup(build) {
            build.onResolve({ filter: /^\.\/lib$/ }, () => ({ path: 'lib.ts', namespace: 'v' }));
            build.onLoad({ filter: /.*/, namespace: 'v' }, () => ({ contents: source, loader: 'ts' }));
          },
        },
      ],
    });
    outputs.bundle = bundle.outputFiles[0].contents;
    const error = await esbuild
      .transform('let = ;', { loader: 'ts' })
      .catch((e) => e.errors.map((m) => m.text));
    outputs['syntax error'] = JSON.stringify(error);
  });
  await esbuild.stop();
  return outputs;
}
