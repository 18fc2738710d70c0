import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

// ESM only, no browser bundle: the root (browser-safe), the Node-only pool at ./node, and the
// worker thread's entry (`dist/chain-worker.js`, which the pool starts by URL; no types).
export default defineConfig({
  ...libraryBuild,
  onSuccess: undefined,
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'chain-worker': 'src/node/chain-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' } },
});
