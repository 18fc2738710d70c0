import { defineConfig } from 'vitest/config';

// The speed measurement (speed.measure.ts): run by hand, not by `pnpm test`.
export default defineConfig({
  test: { include: ['*.measure.ts'], testTimeout: 1_800_000, hookTimeout: 300_000 },
});
