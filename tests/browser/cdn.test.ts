/**
 * The CDN bundles (`unpkg` / `jsdelivr`: `dist/browser/`) in Chromium: a plain page with an import
 * map, laid out as a CDN serves packages (`/npm/<name>/<file>`), imports every library package and
 * core's browser subpaths, trains NCE for a few steps, samples with MALA, evaluates the exact NLL
 * and checks the browser-specific errors, with nothing logged as an error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserSubpaths } from '../../browser-entries';
import { launchChromium, openRecordingPage, pageResult } from './chromium.js';
import { type StaticServer, serveStatic } from './server.js';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const tfjsDist = fileURLToPath(new URL('./node_modules/@tensorflow/tfjs/dist/', import.meta.url));

interface Manifest {
  readonly name: string;
  readonly exports: Record<string, unknown>;
  readonly unpkg?: string;
}

const libraries = readdirSync(packagesDir)
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => manifest.unpkg !== undefined);

/** The import map a page on a CDN would write: tfjs's ESM bundle, and each package's browser bundle by subpath. */
function importMap(): Record<string, string> {
  const imports: Record<string, string> = { '@tensorflow/tfjs': '/npm/@tensorflow/tfjs/tf.fesm.min.js' };
  for (const { manifest } of libraries) {
    for (const subpath of browserSubpaths(manifest.exports)) {
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const file = subpath === '.' ? manifest.unpkg!.slice(2) : `dist/browser/${subpath.slice(2)}/index.js`;
      imports[specifier] = `/npm/${manifest.name}/${file}`;
    }
  }
  return imports;
}

const PAGE_SCRIPT = `
import * as tf from '@tensorflow/tfjs';
import * as core from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { adam, fit } from '@ebm/core/train';
import { cholesky } from '@ebm/core/math';
import { contrastiveDivergence } from '@ebm/cd';
import { conditionalToyDatasets, toyDatasets } from '@ebm/datasets';
import { conditionalMlpEnergy, conditionalNce, conditionalNll, independentOfInput, packPairs } from '@ebm/conditional';
import { nll2d } from '@ebm/eval';
import { hmc } from '@ebm/mcmc-hmc';
import { mala } from '@ebm/mcmc-langevin';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { gaussianNoise, nce } from '@ebm/nce';
import { bernoulliRBM, exactLogPartition } from '@ebm/rbm';
import { slicedScoreMatching } from '@ebm/score-matching';

const result = {};
try {
  await core.useBackend('cpu');
  const [dataKey, modelKey, fitKey, sampleKey] = core.split(core.prngKey(0), 4);
  const data = toyDatasets['8gaussians'].sample(dataKey, 512);
  const model = mlpEnergy({ inputShape: [2], hidden: [16], key: modelKey });
  const noise = gaussianNoise.fit(data);
  const { losses, state } = await fit(model, nce({ noise, ratio: 2 }), data, { optimizer: adam({ learningRate: 1e-2 }), steps: 20, batchSize: 128, key: fitKey });
  core.disposeState(state);
  result.losses = losses;
  const chain = await core.sampleChainAsync(mala({ stepSize: 0.05 }), { energy: model.energy, init: tf.zeros([16, 2]), key: sampleKey, numSteps: 20 });
  result.acceptance = chain.acceptanceRate;
  core.disposeState([chain.samples, chain.finalState]);
  result.nll = nll2d(model.energy, data, { box: [[-4.5, 4.5], [-4.5, 4.5]], grid: 64 }).nll;
  const [pairsKey, conditionalModelKey, conditionalFitKey] = core.split(core.prngKey(1), 3);
  const pairs = conditionalToyDatasets.branching.sample(pairsKey, 256);
  const conditionalModel = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [8], key: conditionalModelKey });
  const targetNoise = independentOfInput(core.uniformDistribution({ eventShape: [1], low: -2.5, high: 2.5 }));
  const conditionalRun = await fit(conditionalModel, conditionalNce({ noise: targetNoise, numNoise: 4 }), packPairs(pairs.x, pairs.y), { optimizer: adam({ learningRate: 1e-2 }), steps: 5, batchSize: 64, key: conditionalFitKey });
  core.disposeState(conditionalRun.state);
  result.conditionalLosses = conditionalRun.losses;
  result.conditionalNll = conditionalNll(conditionalModel, pairs.x, pairs.y, { interval: [-2.5, 2.5], grid: 64 }).nll;
  result.built = [contrastiveDivergence({ sampler: hmc({ stepSize: 0.1, numLeapfrogSteps: 2 }) }).name, randomWalkMetropolis({ scale: 0.1 }).name,
    slicedScoreMatching().name, typeof bernoulliRBM, typeof exactLogPartition, cholesky([[4]])[0][0]];
  result.errorName = new core.ShapeError('x', 'y').name;
  result.nodeOnly = await core.useBackend('tensorflow').then(() => 'no error', (e) => e.name + ': ' + e.message);
  result.notImported = await core.useBackend('wasm').then(() => 'no error', (e) => e.name + ': ' + e.message);
} catch (error) {
  result.error = String(error && error.stack || error);
}
window.result = result;
`;

let server: StaticServer;
let browser: Browser;
let pageDir: string;

beforeAll(async () => {
  pageDir = await mkdtemp(join(tmpdir(), 'ebm-cdn-'));
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: importMap() }, null, 2)}</script></head>
<body><script type="module">${PAGE_SCRIPT}</script></body></html>`;
  await writeFile(join(pageDir, 'index.html'), html);
  const mounts: Record<string, string> = { '/': pageDir, '/npm/@tensorflow/tfjs/': tfjsDist };
  for (const { dir, manifest } of libraries) mounts[`/npm/${manifest.name}/`] = join(packagesDir, dir);
  server = await serveStatic(mounts, false);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (pageDir) await rm(pageDir, { recursive: true, force: true });
});

it('a <script type="module"> page imports every package from its CDN bundle and trains, samples and evaluates', async () => {
  const { page, errors } = await openRecordingPage(browser, `${server.origin}/`);
  const result = await pageResult<Record<string, unknown>>(page, 120_000);
  expect(result.error).toBeUndefined();
  expect(errors).toEqual([]);
  const losses = result.losses as number[];
  expect(losses).toHaveLength(20);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(result.acceptance).toBeGreaterThan(0);
  expect(Number.isFinite(result.nll)).toBe(true);
  expect(result.conditionalLosses).toHaveLength(5);
  expect(Number.isFinite(result.conditionalNll)).toBe(true);
  expect(result.built).toEqual([expect.stringMatching(/^contrastive-divergence/), expect.any(String), expect.any(String), 'function', 'function', 2]);
  expect(result.errorName).toBe('ShapeError');
  expect(result.nodeOnly).toMatch(/^BackendError: The 'tensorflow' backend .* runs only in Node/);
  expect(result.notImported).toMatch(/^BackendError: The 'wasm' backend is not registered\. .*import '@tensorflow\/tfjs-backend-wasm';/);
  await page.close();
});
