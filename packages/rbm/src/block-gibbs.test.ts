import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, disposeState, prngKey, sampleChain } from '@ebm/core';
import { logSumExp } from '@ebm/core/math';
import { describeBackends, expectMeans, expectProbability, expectSamplerContract, expectSamplerNoLeaks } from '@ebm/core/testing';
import { bitFlip } from '@ebm/mcmc-mh';
import { expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { blockGibbs } from './block-gibbs.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import { allStates, randomizeParameters, visibleDistribution } from './test-rbms.js';

describeBackends('blockGibbs', () => {
  it('samples every visible state of a tiny Bernoulli RBM with its exact probability', () => {
    const rbm = bernoulliRBM({ visible: 3, hidden: 2 });
    const params = randomizeParameters(rbm, prngKey(11), 1.5);
    const exact = visibleDistribution(params);
    const init = tf.zeros([200, 3]);
    const { samples, finalState } = sampleChain(blockGibbs(rbm), { energy: rbm.energy, init, key: prngKey(12), numSteps: 100, burnIn: 20 });
    allStates(3).forEach((state, s) =>
      expectProbability(samples, (x) => state.every((bit, i) => x(i) === bit), exact[s]!, { label: `p(v = ${state.join('')})` }),
    );
    tf.dispose([init, samples, ...rbm.variables]);
    disposeState(finalState);
  });

  it('bitFlip Metropolis-Hastings on the free energy samples the same exact marginals', () => {
    const rbm = bernoulliRBM({ visible: 3, hidden: 2 });
    const params = randomizeParameters(rbm, prngKey(11), 1.5);
    const exact = visibleDistribution(params);
    const init = tf.zeros([200, 3]);
    const { samples, finalState } = sampleChain(bitFlip(), { energy: rbm.energy, init, key: prngKey(13), numSteps: 200, burnIn: 50 });
    allStates(3).forEach((state, s) =>
      expectProbability(samples, (x) => state.every((bit, i) => x(i) === bit), exact[s]!, { label: `p(v = ${state.join('')})` }),
    );
    tf.dispose([init, samples, ...rbm.variables]);
    disposeState(finalState);
  });

  it('matches the exact mean of a Gaussian-Bernoulli RBM, a mixture of N(b + sigma W h, sigma^2) over h', () => {
    const sigma = 0.5;
    const rbm = gaussianBernoulliRBM({ visible: 2, hidden: 2, sigma });
    const p = randomizeParameters(rbm, prngKey(14), 1.2);
    // p(h) ∝ exp(c.h + b.u / sigma + |u|^2 / 2), u = W h (the visible integral in closed form).
    const hs = allStates(2);
    const logWeights = hs.map((h) => {
      const u = p.weights.map((row) => row[0]! * h[0]! + row[1]! * h[1]!);
      return h[0]! * p.hiddenBias[0]! + h[1]! * p.hiddenBias[1]! + u.reduce((s, ui, i) => s + (p.visibleBias[i]! * ui) / sigma + ui * ui / 2, 0);
    });
    const logNorm = logSumExp(logWeights);
    const mean = [0, 1].map((i) =>
      hs.reduce((s, h, k) => s + Math.exp(logWeights[k]! - logNorm) * (p.visibleBias[i]! + sigma * (p.weights[i]![0]! * h[0]! + p.weights[i]![1]! * h[1]!)), 0),
    );
    const init = tf.zeros([200, 2]);
    const { samples, finalState } = sampleChain(blockGibbs(rbm, { k: 2 }), { energy: rbm.energy, init, key: prngKey(15), numSteps: 100, burnIn: 20 });
    expectMeans(samples, mean);
    tf.dispose([init, samples, ...rbm.variables]);
    disposeState(finalState);
  });

  it('keeps the sampler contract (init copies, step reads nothing and returns a fresh state)', async () => {
    const bernoulli = bernoulliRBM({ visible: 6, hidden: 4 });
    const gaussian = gaussianBernoulliRBM({ visible: 6, hidden: 4, sigma: 0.5 });
    const start = tf.zeros([4, 6]);
    await expectSamplerContract(blockGibbs(bernoulli), { energy: bernoulli.energy, init: start });
    await expectSamplerContract(blockGibbs(gaussian, { k: 3 }), { energy: gaussian.energy, init: start });
    tf.dispose([start, ...bernoulli.variables, ...gaussian.variables]);
  });

  it('leaks no tensors over 1000 steps', () => {
    const rbm = bernoulliRBM({ visible: 6, hidden: 4 });
    const sampler = blockGibbs(rbm, { k: 2 });
    const start = tf.zeros([4, 6]);
    expectSamplerNoLeaks(sampler, { energy: rbm.energy, init: start, key: prngKey(16) });
    tf.dispose([start, ...rbm.variables]);
  });

  it('rejects a bad k and starts that are not [N, visible] in [0, 1]', () => {
    const rbm = bernoulliRBM({ visible: 3, hidden: 2 });
    expect(() => blockGibbs(rbm, { k: 0 })).toThrow(/^k: must be an integer >= 1/);
    const counts = tf.fill([2, 3], 3);
    const wrong = tf.zeros([2, 4]);
    expect(() => blockGibbs(rbm).init(counts, rbm.energy)).toThrow(InvalidArgumentError);
    expect(() => blockGibbs(rbm).init(counts, rbm.energy)).toThrow(/^position: must hold values in \[0, 1\]/);
    expect(() => blockGibbs(rbm).init(wrong, rbm.energy)).toThrow(/^position: has per-sample shape \[4\]/);
    // A disposed state fails with a named error, not inside a tfjs op.
    const zeros = tf.zeros([2, 3]);
    const state = blockGibbs(rbm).init(zeros, rbm.energy);
    state.position.dispose();
    expect(() => blockGibbs(rbm).step(prngKey(0), state, rbm.energy)).toThrow(/^state.position: was disposed/);
    tf.dispose([counts, wrong, zeros, ...rbm.variables]);
  });
});
