/**
 * A fresh Vite project on the packed tarballs: every library package packed with `pnpm pack`
 * (after the build), installed with npm into a new project with no Vite config, no aliases and no
 * workspace, imported in `src/main.js` (`fresh-vite-main.js`), built with `vite build`, served and
 * run in Chromium: NCE trains for 60 steps on webgl, wasm (`setWasmPaths` from `?url` imports) and
 * cpu with an IndexedDB checkpoint, MALA samples, the exact NLL, the digits from a `?url` import,
 * every plugin package builds its sampler or objective, error names survive minification.
 * Needs the npm registry (Vite and tfjs are installed from it, as a user would).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, openRecordingPage, pageResult } from './chromium.js';
import { type StaticServer, serveStatic } from './server.js';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ebm-fresh-vite-'));
const app = join(work, 'app');
/** Runs a command without blocking this worker (vitest talks to it while npm installs); resolves to its stdout. */
const run = async (command: string, args: string[], cwd: string) => (await promisify(execFile)(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 })).stdout;

let buildLog = '';
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  // 1. Pack every library package (those with a browser bundle).
  const dependencies: Record<string, string> = {};
  for (const dir of readdirSync(packagesDir)) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as { name: string; version: string; unpkg?: string };
    if (manifest.unpkg === undefined) continue;
    await run('npx', ['-y', 'pnpm@10.34.8', 'pack', '--pack-destination', join(work, 'tarballs')], join(packagesDir, dir));
    dependencies[manifest.name] = `file:../tarballs/${manifest.name.slice(1).replace('/', '-')}-${manifest.version}.tgz`;
  }
  // 2. The project: package.json, index.html, src/main.js, and nothing else.
  mkdirSync(join(app, 'src'), { recursive: true });
  const manifest = {
    name: 'fresh-vite-ebm',
    private: true,
    type: 'module',
    dependencies: { ...dependencies, '@tensorflow/tfjs': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' },
    devDependencies: { vite: '^8.4.0' },
    // The packed @ebm packages depend on each other by version: resolve those to the tarballs too.
    overrides: Object.fromEntries(Object.keys(dependencies).map((name) => [name, `$${name}`])),
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(app, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="/src/main.js"></script></body></html>\n');
  copyFileSync(fileURLToPath(new URL('./fresh-vite-main.js', import.meta.url)), join(app, 'src/main.js'));
  // 3. Install with npm and build with Vite's defaults.
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
  buildLog = await run(join(app, 'node_modules/.bin/vite'), ['build'], app);
  server = await serveStatic({ '/': join(app, 'dist') }, false);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

it('builds with vite build and no configuration', () => {
  expect(buildLog).toMatch(/built in/);
  console.log(buildLog.split('\n').filter((line) => /dist\//.test(line)).join('\n'));
});

it('runs every package in Chromium: training on webgl, wasm and cpu, sampling, the exact NLL, the digits', async () => {
  const { page, errors } = await openRecordingPage(browser, `${server.origin}/`);
  type Run = { backend: string; first: number; last: number; acceptance: number; saved: number; stepsPerSecond: number; nll?: number };
  const result = await pageResult<{
    runs: Run[];
    error?: string;
    digits: number[];
    pseudoLikelihood: number;
    names: unknown[];
    nodeOnly: string;
  }>(page, 200_000);
  expect(result.error).toBeUndefined();
  expect(errors).toEqual([]);
  expect(result.runs.map((r) => r.backend)).toEqual(['webgl', 'wasm', 'cpu']);
  for (const r of result.runs) {
    expect(r.last).toBeLessThan(r.first);
    expect(r.saved).toBe(60);
    expect(r.acceptance).toBeGreaterThan(0);
  }
  // The same key gives the same numbers on wasm and cpu (kernels differ only in float rounding).
  expect(result.runs[1]!.nll!).toBeCloseTo(result.runs[2]!.nll!, 3);
  expect(result.digits).toEqual([1797, 64]);
  expect(Number.isFinite(result.pseudoLikelihood)).toBe(true);
  expect(result.names).toEqual([expect.stringMatching(/^contrastive-divergence/), 'randomWalkMetropolis', 'sliced-score-matching', 'ShapeError', 3]);
  expect(result.nodeOnly).toMatch(/runs only in Node/);
  console.log(`fresh Vite project, steps/s: ${result.runs.map((r) => `${r.backend} ${r.stepsPerSecond.toFixed(1)}`).join(', ')}`);
  await page.close();
});
