import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runModuleScript } from './fixtures/build.js';

const dist = (pkg: string) => new URL(`../../${pkg}/dist/index.js`, import.meta.url).href;

beforeAll(ensureBuilt);

// Compiles on a 2-thread pool, never closes it, and says when it is done: the
// process must then exit by itself, long before the threads' idle timeout.
const script = `
import { createNodePool } from ${JSON.stringify(dist('pool'))};
import { parseModule } from ${JSON.stringify(dist('binary'))};
import { readFileSync } from 'node:fs';
const bytes = readFileSync(${JSON.stringify(fileURLToPath(new URL('../../../benchmarks/node_modules/sql.js/dist/sql-wasm.wasm', import.meta.url)))});
const { env, bodies } = parseModule(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
const pool = createNodePool({ size: 2, idleTimeout: 30000 });
const handle = pool.open(env);
const half = bodies.length >> 1;
const results = await Promise.all([pool.compile(handle, bodies.slice(0, 200)), pool.compile(handle, bodies.slice(half, half + 200))]);
console.log('compiled', results[0].sources.length + results[1].sources.length);
`;

describe('a process whose compiles are done', () => {
  it('exits by itself, without closing the pool', async () => {
    const { out, err, code, printedAt } = await runModuleScript(script, 20_000);
    const lingered = performance.now() - printedAt;
    expect(err).toBe('');
    expect(out.trim()).toBe('compiled 400');
    expect(code).toBe(0);
    // Far below the 30 s idle timeout: nothing waited for it.
    expect(lingered).toBeLessThan(5000);
  });
});
