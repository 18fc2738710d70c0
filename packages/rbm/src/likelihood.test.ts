import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, foldIn, prngKey } from '@ebm/core';
import { describeBackends, expectWithinStandardErrors } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { exactLogPartition } from './exact-log-partition.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import { logLikelihood } from './log-likelihood.js';
import { pseudoLikelihood } from './pseudo-likelihood.js';
import { allStates, bruteForceFreeEnergy, randomizeParameters } from './test-rbms.js';

describeBackends('likelihoods', () => {
  it('logLikelihood: p(v) = exp(ll) sums to 1 over all visible states', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 3 });
    randomizeParameters(rbm, prngKey(31), 1.2);
    const logZ = exactLogPartition(rbm);
    const total = allStates(4).reduce((s, v) => s + Math.exp(tf.tidy(() => logLikelihood(rbm, tf.tensor2d([v]), logZ))), 0);
    expect(total).toBeCloseTo(1, 4);
    const zero = tf.zeros([1, 4]);
    expect(() => logLikelihood(rbm, zero, Number.NaN)).toThrow(NonFiniteError);
    tf.dispose([zero, ...rbm.variables]);
  });

  it('pseudoLikelihood: its mean over random flips is sum_i log p(v_i | v_-i) (the sklearn estimator)', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 3 });
    const params = randomizeParameters(rbm, prngKey(32), 1.2);
    const v = [1, 0, 1, 1];
    // Exact: log p(v_i | v_-i) = -log(1 + exp(F(v) - F(v with bit i flipped))).
    const f = bruteForceFreeEnergy(params, v);
    const exact = v.reduce((s, _, i) => {
      const flipped = v.map((x, j) => (j === i ? 1 - x : x));
      return s - Math.log1p(Math.exp(f - bruteForceFreeEnergy(params, flipped)));
    }, 0);
    const batch = tf.tile(tf.tensor2d([v]), [2000, 1]);
    const pl = pseudoLikelihood(rbm, batch, foldIn(prngKey(33), 0));
    const values = Array.from(pl.dataSync());
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
    expectWithinStandardErrors(mean, exact, sd / Math.sqrt(values.length), { label: 'mean pseudo-likelihood' });
    expect(pl.shape).toEqual([2000]);
    tf.dispose([batch, pl, ...rbm.variables]);
  });

  it('pseudoLikelihood rejects Gaussian RBMs and data outside [0, 1]', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 3 });
    const gb = gaussianBernoulliRBM({ visible: 4, hidden: 3 });
    const counts = tf.fill([2, 4], 16);
    expect(() => pseudoLikelihood(gb, counts, prngKey(0))).toThrow(/^rbm: must be a Bernoulli RBM/);
    expect(() => pseudoLikelihood(rbm, counts, prngKey(0))).toThrow(InvalidArgumentError);
    expect(() => pseudoLikelihood(rbm, counts, prngKey(0))).toThrow(/^v: must hold values in \[0, 1\]/);
    tf.dispose([counts, ...rbm.variables, ...gb.variables]);
  });
});
