/**
 * Every library package, and every browser-safe subpath of it, bundles for the browser with no
 * configuration: `esbuild --bundle --platform=browser` on `export * from '<package>'`, through the
 * package's `exports` and its built `dist/` (as an application installs it). Only
 * `@tensorflow/tfjs`, the peer dependency, is left external: any other import that esbuild cannot
 * resolve (a `node:` module, an optional backend package) fails the build. Prints the bundle
 * sizes (tfjs external) and checks that error names survive minification.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Metafile, build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { browserSubpaths } from '../../browser-entries';

const here = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = join(here, '../../packages');

interface LibraryPackage {
  readonly name: string;
  readonly exports: Record<string, unknown>;
  readonly unpkg?: string;
}

/**
 * The library packages: those with a browser bundle (`unpkg`), i.e. all but the command line and
 * @ebm/workers (its pool starts Node worker threads and lives at the Node-only `@ebm/workers/node`;
 * its browser-safe root holds only the block split and an error class), which have no `unpkg` entry.
 */
const libraries = readdirSync(packagesDir)
  .map((dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as LibraryPackage)
  .filter((pkg) => pkg.unpkg !== undefined);

/** Bundles `source` as an application module in this folder would, minified, for the browser. */
async function bundle(source: string, minify = true) {
  return build({
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify,
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['@tensorflow/tfjs'],
  });
}

/** The bare imports left in a bundle's output. */
function externalImports(metafile: Metafile): string[] {
  return [...new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path)))];
}

const sizes: string[] = [];

describe.each(libraries)('$name', (pkg) => {
  it.each(browserSubpaths(pkg.exports))('%s bundles for the browser, importing nothing but @tensorflow/tfjs', async (subpath) => {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const result = await bundle(`export * from '${specifier}';`);
    expect(result.errors).toEqual([]);
    for (const path of externalImports(result.metafile)) expect(path).toBe('@tensorflow/tfjs');
    const code = result.outputFiles[0]!.contents;
    sizes.push(`${specifier.padEnd(24)} ${(code.length / 1024).toFixed(1).padStart(7)} KiB min ${(gzipSync(code).length / 1024).toFixed(1).padStart(6)} KiB gzip`);
  });
});

it('includes every library package (all of packages/ except the command line and the Node-only @ebm/workers)', () => {
  expect(libraries.map((pkg) => pkg.name).sort()).toEqual(
    ['@ebm/cd', '@ebm/conditional', '@ebm/core', '@ebm/datasets', '@ebm/eval', '@ebm/flows', '@ebm/mcmc-hmc', '@ebm/mcmc-langevin', '@ebm/mcmc-mh', '@ebm/nce', '@ebm/rbm', '@ebm/score-matching'],
  );
});

it('a Node-only subpath does not bundle for the browser (so the check above can fail)', async () => {
  await expect(bundle(`export * from '@ebm/datasets/node';`)).rejects.toThrow(/Could not resolve "node:fs\/promises"/);
});

it("@ebm/workers' root bundles for the browser; its pool stays behind the Node-only ./node subpath", async () => {
  await expect(bundle(`export * from '@ebm/workers';`)).resolves.toBeDefined();
  await expect(bundle(`export * from '@ebm/workers/node';`)).rejects.toThrow(/Could not resolve "node:/);
});

it('error classes keep their names in a minified browser bundle', async () => {
  const names = ['EbmError', 'InvalidArgumentError', 'ShapeError', 'NonFiniteError', 'BackendError', 'CheckpointError', 'EnvironmentError'];
  const result = await bundle(`import * as core from '@ebm/core'; export const names = [${names.map((n) => `new core.${n}('a', 'b').name`).join(', ')}];`);
  const dir = await mkdtemp(join(here, '.tmp-'));
  try {
    const file = join(dir, 'errors.mjs');
    await writeFile(file, result.outputFiles[0]!.contents);
    // Minified class names are short; the names must still be the literal ones.
    expect(result.outputFiles[0]!.text).not.toMatch(/class ShapeError/);
    const { names: actual } = (await import(file)) as { names: string[] };
    expect(actual).toEqual(names);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

afterAll(() => {
  if (sizes.length > 0) console.log(`Browser bundle sizes (esbuild, minified, @tensorflow/tfjs external):\n${sizes.sort().join('\n')}`);
});
