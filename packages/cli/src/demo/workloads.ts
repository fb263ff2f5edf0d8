/**
 * What the main job runs: a small table of (module, work) entries. Each
 * workload is an unmodified npm package whose wasm the job compiles itself
 * (so it can time the compile and draw its progress) and hands to the
 * package's own JS glue, which instantiates it through `globalThis.WebAssembly`
 * (the engine under test; the child process installs it) and does real work.
 *
 * `start` returns a function doing one unit of work and returning its output
 * as text, so that the native run and the wasmloom run can be compared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export interface Workload {
  name: string;
  /** The npm package and its version. */
  package: string;
  /** One line: what one unit of work is. */
  work: string;
  wasmPath(): string;
  /** Instantiates `module` through the package's glue; resolves to a function doing one unit of work. */
  start(module: WebAssembly.Module): Promise<() => Promise<string>>;
}

/** A package's version, from the package.json above its resolved entry (some export maps hide it). */
function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? '?';
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed: the run will say so
  }
  return '?';
}

/** The TypeScript file the esbuild workload transforms (shipped in packages/cli/fixtures). */
export const ESBUILD_INPUT = fileURLToPath(new URL('../../fixtures/inventory.ts', import.meta.url));

/** esbuild-wasm's browser build, run in this thread (`worker: false`): the part of its API we use. */
interface EsbuildBrowser {
  initialize(options: { wasmModule: WebAssembly.Module; worker: boolean }): Promise<void>;
  transform(
    input: string,
    options: { loader: 'ts'; minify: boolean; target: string; sourcefile: string },
  ): Promise<{ code: string; warnings: unknown[] }>;
}

const esbuild: Workload = {
  name: 'esbuild',
  package: `esbuild-wasm ${packageVersion('esbuild-wasm')}`,
  work: 'transform + minify fixtures/inventory.ts (TypeScript → ES2018)',
  wasmPath: () => require.resolve('esbuild-wasm/esbuild.wasm'),
  async start(module) {
    // The browser build's in-thread glue reads the globals through `self`, which Node lacks.
    (globalThis as { self?: unknown }).self ??= globalThis;
    const api = require('esbuild-wasm/lib/browser.js') as EsbuildBrowser;
    await api.initialize({ wasmModule: module, worker: false });
    const source = readFileSync(ESBUILD_INPUT, 'utf8');
    return async () => {
      const result = await api.transform(source, {
        loader: 'ts',
        minify: true,
        target: 'es2018',
        sourcefile: 'inventory.ts',
      });
      return result.code;
    };
  },
};

/** sql.js's emscripten glue: the part we use. */
interface SqlJsStatic {
  Database: new () => {
    run(sql: string, params?: unknown[]): void;
    prepare(sql: string): { run(params: unknown[]): void; free(): void };
    exec(sql: string): { columns: string[]; values: unknown[][] }[];
    close(): void;
  };
}
type InitSqlJs = (config: {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
}) => Promise<SqlJsStatic>;

const sqljs: Workload = {
  name: 'sqljs',
  package: `sql.js ${packageVersion('sql.js')}`,
  work: '5,000 inserts in a transaction, an index, 5 queries (aggregates, GROUP BY, ORDER BY, LIKE, a join)',
  wasmPath: () => require.resolve('sql.js/dist/sql-wasm.wasm'),
  async start(module) {
    const initSqlJs = require('sql.js') as InitSqlJs;
    let failed: (err: unknown) => void = () => {};
    const failure = new Promise<never>((_, reject) => {
      failed = reject;
    });
    const SQL = await Promise.race([
      initSqlJs({
        // emscripten's hook: we instantiate the module we compiled, with the glue's imports.
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module), failed);
          return {};
        },
      }),
      failure,
    ]);
    return async () => {
      const db = new SQL.Database();
      db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER, tag TEXT)');
      db.run('BEGIN');
      const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)');
      const tags = ['red', 'green', 'blue', 'cyan', 'magenta'];
      for (let i = 0; i < 5000; i++)
        insert.run([i, `item-${i}`, ((i * 7919) % 10007) / 100, i % 97, tags[i % 5]]);
      insert.free();
      db.run('COMMIT');
      db.run('CREATE INDEX items_tag ON items(tag)');
      const results = [
        'SELECT count(*), sum(qty), total(price) FROM items',
        'SELECT tag, count(*), avg(price), max(qty) FROM items GROUP BY tag ORDER BY tag',
        'SELECT id, name, price FROM items ORDER BY price DESC, id LIMIT 5',
        "SELECT count(*) FROM items WHERE name LIKE '%99%'",
        'SELECT a.tag, count(*) FROM items a JOIN items b ON a.qty = b.qty AND a.id < b.id WHERE a.id < 300 GROUP BY a.tag',
      ].map((sql) => db.exec(sql));
      db.close();
      return JSON.stringify(results);
    };
  },
};

/** The workloads, the main job's default first. */
export const workloads: readonly Workload[] = [esbuild, sqljs];

export function findWorkload(name: string): Workload | undefined {
  return workloads.find((w) => w.name === name);
}
