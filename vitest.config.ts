import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the built dist is for node, workers and users.
    alias: {
      '@wasmloom/binary': src('binary'),
      '@wasmloom/compiler': src('compiler'),
      '@wasmloom/runtime': src('runtime'),
      '@wasmloom/pool': src('pool'),
      wasmloom: src('wasmloom'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
