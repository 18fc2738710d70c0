// Benchmark: effective sample size per second and per energy / gradient evaluation of
// random-walk Metropolis and HMC on the correlated 2-D Gaussian of the tests
// (mean (1, -1), covariance [[1, 0.8], [0.8, 1]]), each first tuned by dual averaging to its
// own target acceptance (RWM 0.234, HMC 0.65).
//
//   pnpm --filter @ebm/core --filter @ebm/mcmc-mh --filter @ebm/mcmc-hmc build
//   node bench/ess.mjs [--backend wasm|cpu] [--chains 64] [--steps 2000] [--adapt 500] [--seed 0]
//
// Per row: the tuned step size, mean acceptance after adaptation, min ESS over the two
// coordinates (core's split-chain Geyer ESS of the kept draws) for the mean, E[x], and for the
// second moment, E[(x - mu)^2] (HMC on a Gaussian can be antithetic, ESS > draws for the mean,
// while its ESS for second moments is ordinary, so the table reports both and uses the smaller), the sampling wall time (adaptation
// excluded), ESS/s, and ESS per evaluation: RWM evaluates the energy once per chain per step,
// HMC evaluates energy and gradient numLeapfrogSteps times per chain per step.
import * as tf from '@tensorflow/tfjs';
import { disposeState, dualAveraging, prngKey, sampleChain, split, traceDiagnostics, useBackend } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { randomWalkMetropolis } from '../../mcmc-mh/dist/index.js';
import { hmc } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const backend = await useBackend(arg('backend', 'wasm'));
const chains = Number(arg('chains', 64));
const steps = Number(arg('steps', 2000));
const adapt = Number(arg('adapt', 500));
const seed = Number(arg('seed', 0));

const model = gaussianEnergy({ dim: 2, mean: [1, -1], precision: inverseSPD([[1, 0.8], [0.8, 1]]) });
const init = tf.zeros([chains, 2]);

const rows = [
  { name: 'rwm', sampler: randomWalkMetropolis({ scale: 0.5 }), evalsPerStep: 1 },
  ...[1, 3, 5, 10].map((numLeapfrogSteps) => ({
    name: `hmc L=${numLeapfrogSteps}`,
    sampler: hmc({ stepSize: 0.1, numLeapfrogSteps }),
    evalsPerStep: numLeapfrogSteps,
  })),
];

console.log(`backend ${backend}, ${chains} chains, ${adapt} adaptation + ${steps} sampling steps, seed ${seed}`);
console.log('sampler     | step size | accept | ESS x   | ESS x^2 | seconds | ESS/s   | ESS per 1k evals');
for (const [i, row] of rows.entries()) {
  const [adaptKey, sampleKey] = split(prngKey(seed * 100 + i));
  const tuning = sampleChain(dualAveraging(row.sampler, { numAdaptationSteps: adapt }), {
    energy: model.energy, init, key: adaptKey, burnIn: adapt, numSteps: 0, collect: false,
  });
  const stepSize = Math.exp(tuning.finalState.logAveragedStepSize);
  const start = tuning.finalState.position;
  const t0 = performance.now();
  const run = sampleChain(row.sampler.withStepSize(stepSize), { energy: model.energy, init: start, key: sampleKey, numSteps: steps });
  const seconds = (performance.now() - t0) / 1000;
  const essMean = run.diagnostics.minEss;
  const squares = tf.tidy(() => tf.square(tf.sub(run.samples, tf.tensor1d([1, -1]))));
  const essSquare = traceDiagnostics(squares).minEss;
  squares.dispose();
  const ess = Math.min(essMean, essSquare);
  const evals = chains * steps * row.evalsPerStep;
  console.log(
    `${row.name.padEnd(11)} | ${stepSize.toFixed(3).padStart(9)} | ${run.acceptanceRate.toFixed(3)}  | ${essMean.toFixed(0).padStart(7)} | ${essSquare.toFixed(0).padStart(7)} | ` +
      `${seconds.toFixed(2).padStart(7)} | ${(ess / seconds).toFixed(0).padStart(7)} | ${((1000 * ess) / evals).toFixed(1)}`,
  );
  disposeState(tuning.finalState);
  disposeState(run.finalState);
  run.samples.dispose();
}
