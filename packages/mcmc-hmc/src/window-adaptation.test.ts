import * as tf from '@tensorflow/tfjs';
import { type AdaptableSampler, type ChainState, type Key, type MassAdaptation, type StepInfo, disposeState, prngKey, sampleChain, split, windowAdaptation } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectCovariance, expectMeans, illConditionedGaussian } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { hmc } from './hmc.js';
import { nuts } from './nuts.js';

/** 6-D, condition number 100, every coordinate correlated: hopeless for an identity metric at one step size. */
const TARGET = illConditionedGaussian(6, 100);
/** 6-D, axis-aligned variances from 0.1 to 10 (condition number 100): what a diagonal mass can whiten. */
const AXIS_ALIGNED = { mean: [1, -1, 1, -1, 1, -1], covariance: [0.1, 0.25, 0.63, 1.58, 3.98, 10].map((v, i, all) => all.map((_, j) => (i === j ? v : 0))) };

describeBackends('windowAdaptation of hmc and nuts', () => {
  const cases: [string, () => AdaptableSampler<ChainState, StepInfo>, MassAdaptation, number, typeof TARGET][] = [
    ['nuts, dense mass, correlated target', () => nuts({ stepSize: 0.1 }), 'dense', 400, TARGET],
    ['hmc, dense mass, correlated target', () => hmc({ stepSize: 0.1, numLeapfrogSteps: 8, jitter: 0.2 }), 'dense', 600, TARGET],
    ['nuts, diagonal mass, axis-aligned target', () => nuts({ stepSize: 0.1 }), 'diagonal', 400, AXIS_ALIGNED],
  ];
  for (const [label, makeSampler, mass, numSteps, target] of cases) {
    it(`${label}: learns the metric and step size, then samples the ill-conditioned Gaussian exactly with R-hat < 1.01`, () => {
      const sampler = makeSampler();
      const model = gaussianEnergy({ dim: 6, mean: target.mean, precision: inverseSPD(target.covariance) });
      const init = tf.zeros([8, 6]);
      const [adaptKey, sampleKey] = split(prngKey(80)) as [Key, Key];
      const warm = windowAdaptation(sampler, { energy: model.energy, init, key: adaptKey, numSteps: 400, mass });
      // The estimated inverse mass is the target covariance up to sampling error: the last slow window
      // of 400 warm-up steps holds 200 x 8 draws, and a variance from n_eff draws has a relative standard
      // error sqrt(2 / n_eff). bench/sampler-efficiency.mjs measured 0.23 (HMC) to 0.44 (NUTS) ESS per
      // draw for second moments, so n_eff >= 370 and 25% is at least 3.4 standard errors.
      const estimate = (i: number) => (mass === 'dense' ? (warm.inverseMass as number[][])[i]![i]! : (warm.inverseMass as number[])[i]!);
      target.covariance.forEach((row, i) => expect(Math.abs(estimate(i) / row[i]! - 1)).toBeLessThan(0.25));
      const { samples, finalState, diagnostics, acceptanceRate } = sampleChain(warm.sampler, { energy: model.energy, init: warm.position, key: sampleKey, numSteps });
      expect(acceptanceRate).toBeGreaterThan(0.5);
      expect(diagnostics!.maxRhat).toBeLessThan(1.01);
      expectMeans(samples, target.mean);
      expectCovariance(samples, target.mean, target.covariance);
      tf.dispose([init, samples, warm.position, ...model.variables]);
      disposeState(finalState);
    });
  }
});
