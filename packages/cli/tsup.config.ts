import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

// An application: ESM only, with the `ebm` bin as a second entry (types for the library entry only),
// and no browser bundle (it needs Node).
export default defineConfig({
  ...libraryBuild,
  onSuccess: undefined,
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
});
