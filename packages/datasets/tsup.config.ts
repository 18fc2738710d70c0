import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

/** One entry per subpath export (package.json `exports`). */
export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
});
