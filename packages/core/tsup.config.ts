import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

/** One entry per subpath export (package.json `exports`). */
const SUBPATHS = ['models', 'train', 'node', 'math', 'testing'] as const;

export default defineConfig({
  ...libraryBuild,
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(SUBPATHS.map((subpath) => [`${subpath}/index`, `src/${subpath}/index.ts`])),
    // Test targets without vitest, for benchmarks and scripts (the testing entry imports vitest).
    'testing/targets': 'src/testing/targets.ts',
  },
});
