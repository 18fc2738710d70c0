// Sampler efficiency (issue 11): NUTS, HMC, preconditioned MALA and random-walk Metropolis, each
// warmed up by core's windowAdaptation (dense inverse mass, Stan's schedule), then run from the
// warmed positions on two Gaussian targets with closed-form moments (@ebm/core/testing/targets):
//   - the correlated 2-D Gaussian of the tests (mean (1, -1), covariance [[1, 0.8], [0.8, 1]]);
//   - a 10-D Gaussian with a dense covariance of condition number 100 (illConditionedGaussian).
// Per sampler: the tuned step size, acceptance, min ESS over coordinates of x and of (x - mu)^2
// (core's split-chain Geyer ESS; the smaller is used), max split R-hat, the largest error of the
// sample mean and covariance in Monte Carlo standard errors, gradient (or energy) evaluations per
// chain and step (NUTS: what a one-chain NUTS computes, and in brackets what the lock-step batch
// computes, 2^D - 1 for its deepest tree), ESS per 1000 evaluations (one-chain count) and ESS per
// second (which pays the batch count).
//
//   node bench/sampler-efficiency.mjs [--backend wasm] [--chains 8] [--warmup 1000] [--steps 1000] [--seed 0]
import * as tf from '@tensorflow/tfjs';
import { prngKey, sampleChain, split, traceDiagnostics, useBackend, windowAdaptation, disposeState } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { CORRELATED_GAUSSIAN_2D, illConditionedGaussian } from '@ebm/core/testing/targets';
import { mala } from '@ebm/mcmc-langevin';
import { hmc, nuts } from '@ebm/mcmc-hmc';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { argument, isMain } from './script.mjs';

/** Moment errors in Monte Carlo standard errors: the largest |estimate - truth| / se over means and covariance entries. */
function momentErrors(samples, mean, covariance, ess) {
  const [draws, chains, dim] = samples.shape;
  const values = samples.dataSync();
  const n = draws * chains;
  const sampleMean = Array.from({ length: dim }, (_, d) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[i * dim + d];
    return s / n;
  });
  let worstMean = 0;
  let worstCov = 0;
  for (let a = 0; a < dim; a++) {
    worstMean = Math.max(worstMean, Math.abs(sampleMean[a] - mean[a]) / Math.sqrt(covariance[a][a] / ess));
    for (let b = a; b < dim; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (values[i * dim + a] - mean[a]) * (values[i * dim + b] - mean[b]);
      const se = Math.sqrt((covariance[a][a] * covariance[b][b] + covariance[a][b] ** 2) / ess);
      worstCov = Math.max(worstCov, Math.abs(s / n - covariance[a][b]) / se);
    }
  }
  return { worstMean, worstCov };
}

/** Warm up `sampler` with windowAdaptation, sample, and measure. */
function measureSampler({ name, sampler, evaluationsPerStep, target, chains, warmup, steps, key }) {
  const model = gaussianEnergy({ dim: target.mean.length, mean: target.mean, precision: inverseSPD(target.covariance) });
  const init = tf.zeros([chains, target.mean.length]);
  const [adaptKey, sampleKey] = split(key);
  const warm = windowAdaptation(sampler, { energy: model.energy, init, key: adaptKey, numSteps: warmup, mass: 'dense' });
  const start = performance.now();
  const run = sampleChain(warm.sampler, { energy: model.energy, init: warm.position, key: sampleKey, numSteps: steps });
  const seconds = (performance.now() - start) / 1000;
  const essMean = run.diagnostics.minEss;
  const squares = tf.tidy(() => tf.square(tf.sub(run.samples, tf.tensor1d(target.mean))));
  const essSquare = traceDiagnostics(squares).minEss;
  squares.dispose();
  const ess = Math.min(essMean, essSquare);
  const { worstMean, worstCov } = momentErrors(run.samples, target.mean, target.covariance, ess);
  const perStep = evaluationsPerStep ?? run.meanInfo.meanGradientEvaluations;
  // NUTS's chains double in lock-step: the batch pays for its deepest tree, 2^D - 1 per chain.
  const batchPerStep = evaluationsPerStep ?? run.meanInfo.batchGradientEvaluations;
  const evaluations = chains * steps * perStep;
  const row = {
    name,
    stepSize: warm.stepSize,
    acceptance: run.acceptanceRate,
    essMean,
    essSquare,
    maxRhat: run.diagnostics.maxRhat,
    worstMean,
    worstCov,
    evaluationsPerStep: perStep,
    batchEvaluationsPerStep: batchPerStep,
    essPerKiloEvaluation: (1000 * ess) / evaluations,
    essPerSecond: ess / seconds,
    seconds,
  };
  tf.dispose([init, warm.position, run.samples, ...model.variables]);
  disposeState(run.finalState);
  return row;
}

/** The four samplers of the comparison, untuned (window adaptation sets step size and mass). */
function samplerRows() {
  return [
    { name: 'nuts', sampler: nuts({ stepSize: 0.1 }) },
    { name: 'hmc L=16 jitter', sampler: hmc({ stepSize: 0.1, numLeapfrogSteps: 16, jitter: 0.2 }), evaluationsPerStep: 16 },
    { name: 'mala (precond.)', sampler: mala({ stepSize: 0.1 }), evaluationsPerStep: 1 },
    { name: 'rwm (precond.)', sampler: randomWalkMetropolis({ scale: 0.1 }), evaluationsPerStep: 1 },
  ];
}

if (isMain(import.meta.url)) {
  const backend = await useBackend(argument('backend', 'wasm'));
  const chains = Number(argument('chains', 8));
  const warmup = Number(argument('warmup', 1000));
  const steps = Number(argument('steps', 1000));
  const seed = Number(argument('seed', 0));
  const targets = [
    { label: 'correlated 2-D Gaussian (mean (1, -1), covariance [[1, 0.8], [0.8, 1]])', target: { mean: [...CORRELATED_GAUSSIAN_2D.mean], covariance: CORRELATED_GAUSSIAN_2D.covariance.map((row) => [...row]) } },
    { label: '10-D Gaussian, condition number 100 (dense: illConditionedGaussian)', target: illConditionedGaussian(10, 100) },
  ];
  console.log(`backend ${backend}, ${chains} chains, ${warmup} warm-up + ${steps} sampling steps, seed ${seed}`);
  for (const [t, { label, target }] of targets.entries()) {
    console.log(`\n${label}`);
    console.log('| sampler | step size | accept | ESS x | ESS (x-mu)^2 | max R-hat | worst mean / cov error (se) | evals / step (batch) | ESS / 1k evals | ESS/s |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [i, row] of samplerRows().entries()) {
      const r = measureSampler({ ...row, target, chains, warmup, steps, key: prngKey(seed * 1000 + t * 100 + i) });
      console.log(
        `| ${r.name} | ${r.stepSize.toFixed(3)} | ${r.acceptance.toFixed(3)} | ${r.essMean.toFixed(0)} | ${r.essSquare.toFixed(0)} | ${r.maxRhat.toFixed(4)} | ` +
          `${r.worstMean.toFixed(2)} / ${r.worstCov.toFixed(2)} | ${r.evaluationsPerStep.toFixed(1)} (${r.batchEvaluationsPerStep.toFixed(1)}) | ${r.essPerKiloEvaluation.toFixed(1)} | ${r.essPerSecond.toFixed(0)} |`,
      );
    }
  }
}
