import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, prngKey } from '@ebm/core';
import { logSumExp } from '@ebm/core/math';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { exactLogPartition } from './exact-log-partition.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import { bruteForceLogZ, randomizeParameters } from './test-rbms.js';

describeBackends('exactLogPartition', () => {
  it('equals the brute-force sum over both layers, enumerating either layer', () => {
    const rbm = bernoulliRBM({ visible: 5, hidden: 4 });
    const params = randomizeParameters(rbm, prngKey(21), 1.3);
    const expected = bruteForceLogZ(params);
    expect(exactLogPartition(rbm, { over: 'hidden' })).toBeCloseTo(expected, 4);
    expect(exactLogPartition(rbm, { over: 'visible' })).toBeCloseTo(expected, 4);
    expect(exactLogPartition(rbm)).toBeCloseTo(expected, 4);
    tf.dispose([...rbm.variables]);
  });

  it('agrees between the layers when one enumeration runs in several chunks (18 hidden units)', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 18 });
    randomizeParameters(rbm, prngKey(22), 0.5);
    // 2^18 hidden states: 2^16 low-bit rows times 4 chunks; 2^4 visible states: one chunk.
    const overHidden = exactLogPartition(rbm, { over: 'hidden' });
    const overVisible = exactLogPartition(rbm, { over: 'visible' });
    expect(Math.abs(overHidden - overVisible) / Math.abs(overVisible)).toBeLessThan(2e-6);
    tf.dispose([...rbm.variables]);
  });

  it('Gaussian-Bernoulli: matches numerical integration over the visible plane', () => {
    const sigma = 0.8;
    const rbm = gaussianBernoulliRBM({ visible: 2, hidden: 2, sigma });
    const p = randomizeParameters(rbm, prngKey(23), 0.7);
    // Z = sum_h int exp(-E(v, h)) dv on a grid of step 0.05 over [-8, 8]^2 (Gaussian tails beyond are < 1e-9).
    const step = 0.05;
    const terms: number[] = [];
    for (let x = -8; x <= 8; x += step) {
      for (let y = -8; y <= 8; y += step) {
        const v = [x, y];
        for (const h of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
          let minusE = -(v.reduce((s, vi, i) => s + (vi - p.visibleBias[i]!) ** 2, 0) / (2 * sigma * sigma));
          h.forEach((hj, j) => {
            minusE += hj * p.hiddenBias[j]! + v.reduce((s, vi, i) => s + (vi / sigma) * p.weights[i]![j]! * hj, 0);
          });
          terms.push(minusE);
        }
      }
    }
    const expected = logSumExp(terms) + 2 * Math.log(step);
    expect(exactLogPartition(rbm)).toBeCloseTo(expected, 3);
    expect(() => exactLogPartition(rbm, { over: 'visible' })).toThrow(/^over: must be 'hidden'/);
    tf.dispose([...rbm.variables]);
  });

  it('refuses layers larger than maxUnits, pointing to ais', () => {
    const rbm = bernoulliRBM({ visible: 30, hidden: 28 });
    expect(() => exactLogPartition(rbm)).toThrow(InvalidArgumentError);
    expect(() => exactLogPartition(rbm)).toThrow(/^rbm: has 28 hidden units .*ais/);
    tf.dispose([...rbm.variables]);
  });
});
