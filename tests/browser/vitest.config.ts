import { defineConfig } from 'vitest/config';

// No aliases: these tests use the built packages through their package.json exports, as an application
// would. The Chromium tests run one file at a time with long timeouts (SwiftShader is slow).
export default defineConfig({
  test: {
    include: ['*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
