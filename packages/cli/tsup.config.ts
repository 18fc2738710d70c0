import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

// An application: ESM only, with the `ebm` bin as a second entry (types for the library entry only).
export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
});
