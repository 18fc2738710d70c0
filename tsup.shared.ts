/**
 * The tsup build every package shares: ESM + CJS + .d.ts from `src/index.ts`, with tfjs, the other
 * @ebm packages, vitest and Node built-ins left external, and `node:` specifiers kept (browser
 * bundlers recognise and skip them). A package with more entries spreads `libraryBuild`.
 *
 * After each build, `browserBundles` writes the minified ESM browser bundle (`dist/browser/`,
 * the `unpkg` / `jsdelivr` entry): one file per browser-safe subpath export of the package,
 * tfjs and the other @ebm packages left as bare imports for an import map or a CDN to resolve.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { type Options, defineConfig } from 'tsup';
import { browserSubpaths, subpathSource } from './browser-entries';

/** Where the browser bundle goes (its `index.js` is the `unpkg` and `jsdelivr` entry). */
export const BROWSER_DIR = 'dist/browser';

/** The bundle's entry points: `index` -> `src/index.ts`, `models/index` -> `src/models/index.ts`, ... */
function browserEntries(exports: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(browserSubpaths(exports).map((subpath) => [subpathSource(subpath).slice(4, -3), subpathSource(subpath)]));
}

/** Builds the minified ESM browser bundle of the package in the current folder (see the module comment). */
export async function browserBundles(): Promise<void> {
  const { name, version, license, exports } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string;
    version: string;
    license: string;
    exports: Record<string, unknown>;
  };
  await build({
    entryPoints: browserEntries(exports),
    outdir: BROWSER_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: ['@tensorflow/*', '@ebm/*'],
    banner: { js: `/*! ${name} ${version} | ${license} */` },
    logLevel: 'warning',
  });
}

export const libraryBuild: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@ebm\//, 'vitest', /^node:/],
  removeNodeProtocol: false,
  onSuccess: browserBundles,
};

export default defineConfig(libraryBuild);
