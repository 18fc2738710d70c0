import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, disposeState, normal, prngKey, sampleChain, split, uniformDistribution } from '@ebm/core';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks } from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { langevin } from '@ebm/mcmc-langevin';
import { classifierEnergy, mlpClassifier } from './classifier.js';
import { energyGivenTarget } from './given.js';
import { jem } from './jem.js';
import { maximumLikelihood } from './maximum-likelihood.js';
import { packPairs } from './pairs.js';

/** Two classes in [0, 1]^2: blobs of sd 0.05 at (0.25, 0.25) and (0.75, 0.75), n per class. */
function blobs(n: number) {
  const [a, b] = split(prngKey(1));
  return tf.tidy(() => {
    const x = tf.concat([tf.add(tf.mul(normal(a!, [n, 2]), 0.05), 0.25), tf.add(tf.mul(normal(b!, [n, 2]), 0.05), 0.75)], 0);
    const labels = tf.concat([tf.zeros([n], 'int32'), tf.ones([n], 'int32')]);
    return { x, labels, pairs: packPairs(x, tf.oneHot(labels, 2)) };
  });
}

function generative(k = 5) {
  return contrastiveDivergence({
    sampler: langevin({ stepSize: 0.005, clamp: [0, 1] }),
    k,
    init: 'replay',
    alpha: 0.1,
    bufferSize: 512,
    noise: uniformDistribution({ eventShape: [2], low: 0, high: 1 }),
  });
}

describeBackends('classifier energies and JEM', () => {
  it('the classifier energy is -f(x)[y], its log-partition logsumexp f(x), its marginal -logsumexp f(x)', () => {
    const w = tf.variable(tf.tensor2d([[1, -1, 0.5]]), true, 'jem_test_w');
    const model = classifierEnergy({ logits: (x) => tf.matMul(x as tf.Tensor2D, w), variables: [w], inputShape: [1], numClasses: 3 });
    const x = tf.tensor2d([[2], [-1]]);
    const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
    expect(Array.from(model.conditionalEnergy(x, y).dataSync())).toEqual([-2, 0.5]);
    const lse = (v: number[]) => Math.log(v.reduce((s, u) => s + Math.exp(u), 0));
    const expected = [lse([2, -2, 1]), lse([-1, 1, -0.5])];
    Array.from(model.logPartition(x).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    Array.from(model.marginal.energy(x).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(-expected[i]!, 5));
    expect(() => classifierEnergy({ logits: (u) => tf.zeros([u.shape[0]!, 2]), variables: [], inputShape: [1], numClasses: 3 }).logits(x)).toThrow(/\[2, 3\]/);
    tf.dispose([w, x, y]);
  });

  it('JEM learns the classes and a density of x: data score higher log p(x) than uniform noise, and class samples land on their blob', async () => {
    const { x, labels, pairs } = blobs(128);
    const model = mlpClassifier({ inputShape: [2], numClasses: 2, hidden: [32, 32], key: prngKey(2) });
    // (The plain classifier, generativeWeight 0, reaches an AUROC of 0.74 here; JEM 0.95.)
    const { state, metrics } = await fit(model, jem({ generative: generative() }), pairs, {
      optimizer: tf.train.adam(1e-2),
      steps: 200,
      batchSize: 64,
      key: prngKey(3),
    });
    disposeState(state);
    const last = metrics.slice(-20);
    expect(last.reduce((s, m) => s + m.accuracy!, 0) / last.length).toBeGreaterThan(0.97);
    const noise = uniformDistribution({ eventShape: [2], low: 0, high: 1 }).sample(prngKey(4), 256);
    const logP = (u: tf.Tensor) => tf.tidy(() => tf.neg(model.marginal.energy(u)).dataSync());
    // AUROC of log p(x), data vs noise: the fraction of (data, noise) pairs ranked correctly.
    const [pos, neg] = [logP(x), logP(noise)];
    let correct = 0;
    for (const p of pos) for (const q of neg) correct += p > q ? 1 : p === q ? 0.5 : 0;
    expect(correct / (pos.length * neg.length)).toBeGreaterThan(0.9);
    // Class-conditional samples: Langevin on E(x, y) = -f(x)[y] from uniform noise, per class.
    for (const [label, centre] of [[0, 0.25], [1, 0.75]] as const) {
      const y = tf.oneHot(tf.fill([32], label, 'int32'), 2);
      const { finalState } = sampleChain(langevin({ stepSize: 0.005, clamp: [0, 1] }), {
        energy: energyGivenTarget(model, y),
        init: uniformDistribution({ eventShape: [2], low: 0, high: 1 }).sample(prngKey(5 + label), 32),
        key: prngKey(7 + label),
        numSteps: 200,
        collect: false,
      });
      const mean = tf.tidy(() => tf.mean(finalState.position, 0).dataSync());
      expect(Math.abs(mean[0]! - centre)).toBeLessThan(0.15);
      expect(Math.abs(mean[1]! - centre)).toBeLessThan(0.15);
      tf.dispose([y]);
      disposeState(finalState);
    }
    tf.dispose([x, labels, pairs, noise]);
    disposeState(model.variables);
  });

  it('keeps the objective contract and leaks nothing; with weight 0 it is the cross-entropy alone', async () => {
    const { x, labels, pairs } = blobs(4);
    const model = mlpClassifier({ inputShape: [2], numClasses: 2, hidden: [8], key: prngKey(6) });
    await expectObjectiveContract(jem({ generative: generative(2) }), { model, batch: pairs });
    expectObjectiveNoLeaks(jem({ generative: generative(2) }), { model, batch: pairs, iterations: 100 });
    const hybrid = jem({ generative: generative(2), generativeWeight: 0 });
    const state = hybrid.init(model, prngKey(0));
    const step = hybrid.gradients(model, pairs, state, prngKey(1));
    const plain = maximumLikelihood().gradients(model, pairs, null, prngKey(1));
    expect(step.loss.dataSync()[0]).toBeCloseTo(plain.loss.dataSync()[0]!, 5);
    expect(step.metrics.crossEntropy!.dataSync()[0]).toBeCloseTo(plain.loss.dataSync()[0]!, 5);
    expect(Object.keys(step.metrics).sort()).toEqual(
      ['accuracy', 'crossEntropy', 'generativeEnergyGap', 'generativeNegativeEnergy', 'generativePositiveEnergy', 'generativeRestartFraction'].sort(),
    );
    for (const v of model.variables) {
      const [a, b] = [step.grads[v.name]!.dataSync(), plain.grads[v.name]!.dataSync()];
      a.forEach((g, i) => expect(g).toBeCloseTo(b[i]!, 5));
    }
    tf.dispose([step.loss, step.grads, step.metrics, plain.loss, plain.grads, x, labels, pairs]);
    disposeState([state, step.state, model.variables]);
    expect(() => jem({ generative: {} as never })).toThrow(InvalidArgumentError);
    // A generative objective that runs its chains in `prepare` (a chain runner) is refused by name, not left to fail at the first step.
    const runner = { name: 'unused', runChains: () => Promise.reject(new Error('never called')) };
    const withRunner = contrastiveDivergence({ sampler: langevin({ stepSize: 0.1 }), k: 2, runner });
    expect(() => jem({ generative: withRunner })).toThrow(/generative.*runner/s);
  });
});
