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

describeBackends('windowAdaptation of hmc and nuts', () => {
  const cases: [string, () => AdaptableSampler<ChainState, StepInfo>, MassAdaptation, number][] = [
    ['nuts, dense mass', () => nuts({ stepSize: 0.1 }), 'dense', 400],
    ['hmc, dense mass', () => hmc({ stepSize: 0.1, numLeapfrogSteps: 8, jitter: 0.2 }), 'dense', 600],
    ['nuts, diagonal mass', () => nuts({ stepSize: 0.1 }), 'diagonal', 400],
  ];
  for (const [label, makeSampler, mass, numSteps] of cases) {
    it(`${label}: learns the metric and step size, then samples the ill-conditioned Gaussian exactly with R-hat < 1.01`, () => {
      const sampler = makeSampler();
      const model = gaussianEnergy({ dim: 6, mean: TARGET.mean, precision: inverseSPD(TARGET.covariance) });
      const init = tf.zeros([8, 6]);
      const [adaptKey, sampleKey] = split(prngKey(80)) as [Key, Key];
      const warm = windowAdaptation(sampler, { energy: model.energy, init, key: adaptKey, numSteps: 500, mass });
      if (mass === 'dense') {
        // The estimated inverse mass is the target covariance up to sampling error (rows agree within 25%).
        const estimate = warm.inverseMass as number[][];
        TARGET.covariance.forEach((row, i) => expect(Math.abs(estimate[i]![i]! / row[i]! - 1)).toBeLessThan(0.25));
      }
      const { samples, finalState, diagnostics, acceptanceRate } = sampleChain(warm.sampler, { energy: model.energy, init: warm.position, key: sampleKey, numSteps });
      expect(acceptanceRate).toBeGreaterThan(0.5);
      expect(diagnostics!.maxRhat).toBeLessThan(1.01);
      expectMeans(samples, TARGET.mean);
      expectCovariance(samples, TARGET.mean, TARGET.covariance);
      tf.dispose([init, samples, warm.position, ...model.variables]);
      disposeState(finalState);
    });
  }
});
