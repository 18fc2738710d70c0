// ESS per second and ESS per gradient evaluation of `langevin` and `mala` on a correlated 2-D
// Gaussian, wasm backend. Run from packages/mcmc-langevin: `pnpm run bench` (builds, then runs
// `node bench/ess.mjs`; needs @ebm/core built: `cd ../core && npx tsup`).
//
// Per configuration: BURN_IN steps from the origin, then REPEATS timed runs of NUM_STEPS steps from
// there (core sampleChain); minEss is the smaller per-dimension ESS of the kept draws (split chains,
// Geyer truncation), averaged over the runs; the time is the fastest run.
// One gradient evaluation = one chain's dE/dx at one point, so a step costs `chains` of them.
// ULA's ESS ignores its O(h) bias, reported as the largest covariance error.
import * as tf from '@tensorflow/tfjs';
import { disposeState, gaussianEnergy, inverseSPD, prngKey, sampleChain, split, useBackend } from '@ebm/core';
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

function run(label, sampler, seed) {
  const [burnKey, ...keys] = split(prngKey(seed), 1 + REPEATS);
  const origin = tf.zeros([CHAINS, 2]);
  const warm = sampleChain(sampler, { energy: model.energy, init: origin, key: burnKey, numSteps: BURN_IN, collect: false });
  let ess = 0;
  let seconds = Number.POSITIVE_INFINITY;
  let acceptance;
  let covError = 0;
  for (const key of keys) {
    const start = performance.now();
    const result = sampleChain(sampler, { energy: model.energy, init: warm.finalState.position, key, numSteps: NUM_STEPS });
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
    ess += result.diagnostics.minEss / REPEATS;
    acceptance = result.acceptanceRate;
    covError = Math.max(covError, covarianceError(result.samples));
    tf.dispose(result.samples);
    disposeState(result.finalState);
  }
  // MALA's init evaluates one gradient more than ULA's (which evaluates the energy only).
  const gradientEvaluations = CHAINS * (NUM_STEPS + (acceptance === undefined ? 0 : 1));
  tf.dispose(origin);
  disposeState(warm.finalState);
  return {
    sampler: label,
    acceptance: acceptance === undefined ? '-' : acceptance.toFixed(3),
    minEss: Math.round(ess),
    seconds: seconds.toFixed(2),
    'ESS/s': Math.round(ess / seconds),
    'ESS/grad': (ess / gradientEvaluations).toFixed(4),
    'ms/step': ((1000 * seconds) / NUM_STEPS).toFixed(2),
    'max |cov err|': covError.toFixed(3),
  };
}

const rows = [
  run('langevin h=0.05', langevin({ stepSize: 0.05 }), 1),
  run('langevin h=0.1', langevin({ stepSize: 0.1 }), 2),
  run('langevin h=0.2', langevin({ stepSize: 0.2 }), 3),
  run('mala h=0.2', mala({ stepSize: 0.2 }), 4),
  run('mala h=0.3', mala({ stepSize: 0.3 }), 5),
  run('mala h=0.4', mala({ stepSize: 0.4 }), 6),
];
console.log(`backend ${tf.getBackend()}, ${CHAINS} chains, ${BURN_IN} burn-in + ${REPEATS} x ${NUM_STEPS} timed steps, target N([1, -1], [[1, 0.8], [0.8, 1]])`);
console.table(rows);
