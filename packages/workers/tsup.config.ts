import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

// Node-only: ESM only, no browser bundle, and the worker thread's entry (`dist/chain-worker.js`,
// which the pool starts by URL) as a second entry (types for the library entry only).
export default defineConfig({
  ...libraryBuild,
  onSuccess: undefined,
  entry: { index: 'src/index.ts', 'chain-worker': 'src/chain-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
});
