/**
 * The tsup build every package shares: ESM + CJS + .d.ts from `src/index.ts`, with tfjs, the other
 * @ebm packages, vitest and Node built-ins left external, and `node:` specifiers kept (browser
 * bundlers recognise and skip them). A package with more entries spreads `libraryBuild`.
 */
import { type Options, defineConfig } from 'tsup';

export const libraryBuild: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@ebm\//, 'vitest', /^node:/],
  removeNodeProtocol: false,
};

export default defineConfig(libraryBuild);
