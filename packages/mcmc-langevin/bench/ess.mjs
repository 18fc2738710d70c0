// ESS per second and ESS per gradient evaluation of `langevin` and `mala` on a correlated 2-D
// Gaussian, wasm backend. Run from packages/mcmc-langevin: `pnpm run bench` (builds, then runs
// `node bench/ess.mjs`; needs @ebm/core built: `cd ../core && npx tsup`).
//
// Per configuration: BURN_IN steps from the origin, then REPEATS timed runs of NUM_STEPS steps from
// there (core sampleChain), round-robin over configurations; minEss is the smaller per-dimension ESS
// of the kept draws (split chains, Geyer truncation), averaged over the runs; the time (sampling
// only, not the diagnostics) is the fastest run.
// One gradient evaluation = one chain's dE/dx at one point, so a step costs `chains` of them.
// ULA's ESS ignores its O(h) bias, reported as the largest covariance error.
import * as tf from '@tensorflow/tfjs';
import { disposeState, prngKey, sampleChain, split, useBackend } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { langevin, mala } from '../dist/index.js';

const BACKEND = process.env.EBM_BACKEND ?? 'wasm';
const CHAINS = 64;
const BURN_IN = 200;
const NUM_STEPS = 1000;
/** Timed runs per configuration: ESS is their mean, time their minimum (the machine is shared). */
const REPEATS = 3;
const MEAN = [1, -1];
const COVARIANCE = [
  [1, 0.8],
  [0.8, 1],
];

await useBackend(BACKEND);
const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COVARIANCE) });

function covarianceError(samples) {
  const values = samples.dataSync();
  const n = values.length / 2;
  const cov = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < n; i++) {
    const a = values[2 * i] - MEAN[0];
    const b = values[2 * i + 1] - MEAN[1];
    cov[0][0] += (a * a) / n;
    cov[0][1] += (a * b) / n;
    cov[1][1] += (b * b) / n;
  }
  return Math.max(Math.abs(cov[0][0] - 1), Math.abs(cov[0][1] - 0.8), Math.abs(cov[1][1] - 1));
}

/** One timed run from the warm state; the time stops at the last step (ESS/R-hat computed after). */
function timedRun(config, key) {
  const start = performance.now();
  let end = start;
  const result = sampleChain(config.sampler, {
    energy: model.energy,
    init: config.warm.position,
    key,
    numSteps: NUM_STEPS,
    onStep: ({ step, totalSteps }) => {
      if (step === totalSteps - 1) end = performance.now();
    },
  });
  const row = {
    seconds: (end - start) / 1000,
    ess: result.diagnostics.minEss,
    acceptance: result.acceptanceRate,
    covError: covarianceError(result.samples),
  };
  tf.dispose(result.samples);
  disposeState(result.finalState);
  return row;
}

const configs = [
  ['langevin h=0.05', langevin({ stepSize: 0.05 })],
  ['langevin h=0.1', langevin({ stepSize: 0.1 })],
  ['langevin h=0.2', langevin({ stepSize: 0.2 })],
  ['mala h=0.2', mala({ stepSize: 0.2 })],
  ['mala h=0.3', mala({ stepSize: 0.3 })],
  ['mala h=0.4', mala({ stepSize: 0.4 })],
].map(([label, sampler], i) => {
  const [burnKey, runKey] = split(prngKey(i + 1));
  const origin = tf.zeros([CHAINS, 2]);
  const warm = sampleChain(sampler, { energy: model.energy, init: origin, key: burnKey, numSteps: BURN_IN, collect: false }).finalState;
  origin.dispose();
  return { label, sampler, warm, keys: split(runKey, REPEATS), runs: [] };
});
// Round-robin over configurations, so a burst of load on the shared machine hits all of them.
for (let r = 0; r < REPEATS; r++) {
  for (const config of configs) config.runs.push(timedRun(config, config.keys[r]));
}
const rows = configs.map(({ label, warm, runs }) => {
  disposeState(warm);
  const seconds = Math.min(...runs.map((run) => run.seconds));
  const ess = runs.reduce((sum, run) => sum + run.ess, 0) / runs.length;
  const acceptance = runs[0].acceptance;
  // MALA's init evaluates one gradient more than ULA's (which evaluates the energy only).
  const gradientEvaluations = CHAINS * (NUM_STEPS + (acceptance === undefined ? 0 : 1));
  return {
    sampler: label,
    acceptance: acceptance === undefined ? '-' : acceptance.toFixed(3),
    minEss: Math.round(ess),
    seconds: seconds.toFixed(2),
    'ESS/s': Math.round(ess / seconds),
    'ESS/grad': (ess / gradientEvaluations).toFixed(4),
    'ms/step': ((1000 * seconds) / NUM_STEPS).toFixed(2),
    'max |cov err|': Math.max(...runs.map((run) => run.covError)).toFixed(3),
  };
});
console.log(`backend ${tf.getBackend()}, ${CHAINS} chains, ${BURN_IN} burn-in + ${REPEATS} x ${NUM_STEPS} timed steps, target N([1, -1], [[1, 0.8], [0.8, 1]])`);
console.table(rows);
