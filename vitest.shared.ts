/**
 * Shared vitest configuration for every package.
 *
 * Tests import sibling packages (`@ebm/<name>` and subpaths such as `@ebm/core/testing`) from their
 * TypeScript sources, so `pnpm test` in one package never needs another package built first and
 * two packages tested in parallel never race on a `dist/` folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ebm\/([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/$2/$3.ts` },
      { find: /^@ebm\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/$2/index.ts` },
      { find: /^@ebm\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
    dedupe: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'],
  },
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
