/**
 * Contrastive divergence with MALA recovers the maximum-likelihood Gaussian.
 *
 * Data: N = 2048 draws from N(m, S); the model is core's gaussianEnergy, whose MLE is the sample
 * mean and the (1/N) sample covariance. Every step uses the whole data set as the positive batch,
 * so the only noise in the gradient is the Monte Carlo noise of the n = N negatives, and the MLE is
 * exactly the fixed point of the expected gradient for PCD and replay CD (MALA leaves the model
 * invariant). For CD-k from the data it is too: with a Gaussian model each Langevin step is a linear
 * Gaussian map, so k steps from the data keep its mean and covariance iff they are the model's.
 *
 * Tolerance (z = 4 standard deviations of the SGD noise floor). Near the optimum plain SGD with
 * learning rate lr is an AR(1) process whose stationary spread is lr * V / (2 H), V the gradient
 * noise variance and H the curvature. For the mean, V = P S P tau / n and H = P, so each mean
 * coordinate has sd sqrt(lr tau / (2 n)) (the Lyapunov equation P C + C P = lr P tau / n gives
 * C = lr tau / (2n) I). For a variance sigma^2 = 1 / L^2 with its factor L: V = 2 sigma^2 tau / n,
 * H = 2 sigma^2, so sd(L) = sqrt(lr tau / (2 n)) and sd(sigma^2) = 2 sigma^3 sd(L) =
 * sigma^3 sqrt(2 lr tau / n); we bound every covariance entry with sigma^3 = lambda_max^(3/2).
 * tau = 4 bounds the integrated autocorrelation of the negatives' moments across training steps:
 * k = 4 MALA steps of size h on a Gaussian contract by (1 - h / lambda)^k <= 0.39 here, so
 * tau = (1 + rho) / (1 - rho) <= 2.3 before rejections (acceptance ~0.9). The test compares the
 * average of the last T iterates, whose spread is smaller than one iterate's, so the bound is
 * conservative.
 *
 * Replay restarts add a bias: k sampler steps shrink a chain's offset from the model's moments by
 * r = rho^k, and a buffered negative has been restarted j hops (of k steps) ago with probability
 * p (1 - p)^(j - 1), so the negatives' moments sit off by p r / (1 - (1 - p) r) times the offset
 * of the noise's moments (a geometric sum); that bias is added to the tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, disposeReplaced, disposeState, foldIn, normal, normalDistribution, prngKey } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectWithinStandardErrors } from '@ebm/core/testing';
import { mala } from '@ebm/mcmc-langevin';
import { it } from 'vitest';
import { type ChainInit, contrastiveDivergence } from './contrastive-divergence.js';

const N = 2048;
const Z = 4;
/** Upper bound on the autocorrelation time of the negatives across steps (see above). */
const TAU = 4;
const STEP_SIZE = 0.4;
const K = 4;
/**
 * Steps at the large learning rate (reach the optimum), then at the small one: SETTLE steps to relax
 * toward its noise floor (relaxation time 1 / (LR * lambda_min(P)) ~ 40 steps for the mean, ~25 for
 * the covariance factor), then AVERAGE steps whose iterates are averaged.
 */
const WARMUP = 80;
const SETTLE = 40;
const AVERAGE = 60;
const LR_WARMUP = 0.2;
const LR = 0.05;
const RESTART = 0.05;
/** Replay restarts start from N(0, I). */
const NOISE_MEAN = [0, 0];

function makeData(key: Key): tf.Tensor2D {
  // x = m + z A^T with A A^T = S = [[1.5, 0.6], [0.6, 0.8]] (A its Cholesky factor).
  return tf.tidy(() => {
    const a = tf.tensor2d([[Math.sqrt(1.5), 0], [0.6 / Math.sqrt(1.5), Math.sqrt(0.8 - 0.36 / 1.5)]]);
    return tf.add(tf.matMul(normal(key, [N, 2]), tf.transpose(a)), tf.tensor1d([1, -0.5])) as tf.Tensor2D;
  });
}

/** Sample mean and (1/N) sample covariance: the Gaussian MLE. */
function mle(x: tf.Tensor2D): { mean: number[]; cov: number[][] } {
  const v = x.arraySync();
  const mean = [0, 1].map((d) => v.reduce((s, r) => s + r[d]!, 0) / v.length);
  const cov = [0, 1].map((i) => [0, 1].map((j) => v.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / v.length));
  return { mean, cov };
}

function largestEigenvalue(c: number[][]): number {
  const [a, b, d] = [c[0]![0]!, c[0]![1]!, c[1]![1]!];
  return (a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b);
}

describeBackends('contrastive divergence recovers the Gaussian MLE (MALA)', () => {
  for (const init of ['data', 'persistent', 'replay'] as ChainInit[]) {
    it(`${init}`, () => {
      const data = makeData(prngKey(7));
      const target = mle(data);
      const model = gaussianEnergy({ dim: 2 });
      const objective = contrastiveDivergence({
        sampler: mala({ stepSize: STEP_SIZE }),
        k: K,
        init,
        noise: normalDistribution({ eventShape: [2], mean: NOISE_MEAN[0], std: 1 }),
        bufferSize: 4 * N,
        restartProbability: RESTART,
      });
      const warm = tf.train.sgd(LR_WARMUP);
      const slow = tf.train.sgd(LR);
      let state = objective.init(model, prngKey(1));
      const mean = [0, 0];
      const cov = [[0, 0], [0, 0]];
      let acceptance = 0;
      for (let t = 0; t < WARMUP + SETTLE + AVERAGE; t++) {
        const step = objective.gradients(model, data, state, foldIn(prngKey(2), t));
        (t < WARMUP ? warm : slow).applyGradients(step.grads as Record<string, tf.Tensor>);
        const rate = t < WARMUP + SETTLE ? 0 : step.metrics.acceptanceRate!.dataSync()[0]!;
        tf.dispose([step.loss, step.grads, step.metrics]);
        disposeReplaced(state, step.state);
        state = step.state;
        if (t < WARMUP + SETTLE) continue;
        acceptance += rate / AVERAGE;
        const m = model.mean.arraySync() as number[];
        const c = model.covariance();
        for (let i = 0; i < 2; i++) {
          mean[i]! += m[i]! / AVERAGE;
          for (let j = 0; j < 2; j++) cov[i]![j]! += c[i]![j]! / AVERAGE;
        }
      }
      disposeState(state);
      tf.dispose([data, ...model.variables]);
      warm.dispose();
      slow.dispose();

      const lambda = largestEigenvalue(target.cov);
      const rho = (1 - STEP_SIZE / lambda) ** K; // r = rho^k above
      const restartBias = (offset: number) => (init === 'replay' ? ((RESTART * rho) / (1 - (1 - RESTART) * rho)) * Math.abs(offset) : 0);
      const meanSd = Math.sqrt((LR * TAU) / (2 * N));
      const covSd = lambda ** 1.5 * Math.sqrt((2 * LR * TAU) / N);
      console.info(`${init}: recovered mean ${JSON.stringify(mean)} cov ${JSON.stringify(cov)}; MLE mean ${JSON.stringify(target.mean)} cov ${JSON.stringify(target.cov)}; acceptance ${acceptance.toFixed(3)}`);
      for (let i = 0; i < 2; i++) {
        const se = meanSd + restartBias(target.mean[i]! - NOISE_MEAN[i]!) / Z;
        expectWithinStandardErrors(mean[i]!, target.mean[i]!, se, { z: Z, label: `${init} mean[${i}]` });
        for (let j = i; j < 2; j++) {
          // Noise second moment about the data mean: I + (m - noise mean)(m - noise mean)^T.
          const noiseMoment = (i === j ? 1 : 0) + (target.mean[i]! - NOISE_MEAN[i]!) * (target.mean[j]! - NOISE_MEAN[j]!);
          const se2 = covSd + restartBias(noiseMoment - target.cov[i]![j]!) / Z;
          expectWithinStandardErrors(cov[i]![j]!, target.cov[i]![j]!, se2, { z: Z, label: `${init} cov[${i}][${j}]` });
        }
      }
    });
  }
});
