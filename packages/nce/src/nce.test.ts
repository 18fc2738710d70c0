import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  type Distribution,
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  ShapeError,
  disposeReplaced,
  disposeState,
  foldIn,
  normal,
  normalDistribution,
  prngKey,
} from '@ebm/core';
import { gaussianEnergy, mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectGaussianRecovery, expectObjectiveContract, expectObjectiveNoLeaks, expectSameObjectiveStep } from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { gaussianMixtureNoise } from './gaussian-mixture-noise.js';
import { gaussianNoise } from './gaussian-noise.js';
import { type NceState, nce } from './nce.js';

/** Rows `mean + z L^T`, z ~ N(0, I). */
function gaussianSamples(key: Key, n: number, mean: number[], factor: number[][]): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(normal(key, [n, mean.length]), tf.transpose(tf.tensor2d(factor))), tf.tensor1d(mean)));
}

/** The custom loop of the README: Adam over the model's variables and NCE's log Z, in a fixed order. */
function trainNce(model: EnergyModel, objective: ReturnType<typeof nce>, data: tf.Tensor, steps: number, key: Key, fixedKey: boolean): NceState {
  const optimizer = tf.train.adam(0.1);
  let state = objective.init(model, key);
  const variables = [...model.variables, ...objective.variables(state)];
  for (let i = 0; i < steps; i++) {
    const step = objective.gradients(model, data, state, fixedKey ? key : foldIn(key, i));
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: step.grads[v.name]! })));
    tf.dispose([step.loss, step.grads, step.metrics]);
    disposeReplaced(state, step.state);
    state = step.state;
  }
  optimizer.dispose();
  return state;
}

/** Adam steps for the Gaussian fit: from 200 on, the learned values move by < 0.002 (checked against 600 steps). */
const STEPS = 250;
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describeBackends('nce', () => {
  it('recovers the mean and precision of Gaussian data and learns c = log Z', () => {
    // Truth: N(mu, C), C = L L^T. With noise close to the data, NCE's asymptotic variance is
    // (1 + 1/nu) times the MLE's (Gutmann & Hyvarinen 2012, JMLR 13, Sec. 2.4), so each tolerance
    // is 4 MLE standard errors inflated by sqrt(1 + 1/nu).
    const n = 1000;
    const ratio = 4;
    const data = gaussianSamples(prngKey(1), n, [1, -1], [[1, 0], [0.5, 0.8]]);
    const noise = gaussianNoise.fit(data);
    const model = gaussianEnergy({ dim: 2 });
    const objective = nce({ noise, ratio });
    // The same key at every step fixes the noise draws: a deterministic loss Adam converges on.
    const state = trainNce(model, objective, data, STEPS, prngKey(2), true);
    const logZ = state.logZ.dataSync()[0]!;
    expectGaussianRecovery({ model, logZ, mean: [1, -1], covariance: [[1, 0.5], [0.5, 0.89]], n, inflation: Math.sqrt(1 + 1 / ratio) });
    data.dispose();
    noise.dispose();
    disposeState([model.variables, state]);
  });

  it('has the closed-form loss and gradient in c, differentiated under tf.variableGrads', () => {
    // Fixed "noise" rows with a known log-density make every term computable by hand.
    const y = [[0.5], [-1], [2], [0]];
    const logPn = [-1.2, -0.8, -2.5, -0.9];
    const noise: Distribution = {
      eventShape: [1],
      sample: () => tf.tensor2d(y),
      logProb: (x) => (x.shape[0] === 4 ? tf.tensor1d(logPn) : tf.fill([x.shape[0]!], -1)) as tf.Tensor1D,
    };
    const x = [[0.3], [1.1]];
    const batch = tf.tensor2d(x);
    const model = gaussianEnergy({ dim: 1, mean: [0.2], precision: [[1.5]] });
    const objective = nce({ noise, ratio: 2, initialLogZ: 0.4 });
    const state = objective.init(model, prngKey(0));
    const step = objective.gradients(model, batch, state, prngKey(1));
    const energy = (u: number) => 0.5 * 1.5 * (u - 0.2) ** 2;
    const g = (u: number, lp: number) => -energy(u) - 0.4 - Math.log(2) - lp;
    const gData = x.map(([u]) => g(u!, -1));
    const gNoise = y.map(([u], j) => g(u!, logPn[j]!));
    const loss = gData.reduce((s, v) => s + softplus(-v), 0) / 2 + (2 * gNoise.reduce((s, v) => s + softplus(v), 0)) / 4;
    // dJ/dc = 1/N sum sigma(-G(x)) - nu/M sum sigma(G(y)) (dG/dc = -1).
    const dc = gData.reduce((s, v) => s + sigmoid(-v), 0) / 2 - (2 * gNoise.reduce((s, v) => s + sigmoid(v), 0)) / 4;
    expect(step.loss.dataSync()[0]).toBeCloseTo(loss, 5);
    expect(step.grads[state.logZ.name]!.dataSync()[0]).toBeCloseTo(dc, 5);
    expect(step.metrics.logZ!.dataSync()[0]).toBeCloseTo(0.4, 6);
    // Classifier G > 0 on data, G <= 0 on noise: count the rows it gets right.
    const correct = gData.filter((v) => v > 0).length + gNoise.filter((v) => v <= 0).length;
    expect(step.metrics.accuracy!.dataSync()[0]).toBeCloseTo(correct / 6, 6);
    expect(step.metrics.dataEnergy!.dataSync()[0]).toBeCloseTo((energy(0.3) + energy(1.1)) / 2, 5);
    expect(step.metrics.noiseEnergy!.dataSync()[0]).toBeCloseTo(y.reduce((s, [u]) => s + energy(u!), 0) / 4, 5);
    for (const v of model.variables) expect(tf.all(tf.isFinite(step.grads[v.name]!)).dataSync()[0]).toBe(1);
    expect(step.state).not.toBe(state);
    expect(step.state.logZ).toBe(state.logZ);
    tf.dispose([batch, step.loss, step.grads, step.metrics]);
    disposeState([model.variables, state]);
  });

  it('keeps the objective contract: no device read, a fresh state holding the same log Z, device metrics', async () => {
    const data = gaussianSamples(prngKey(3), 8, [0, 1], [[1, 0], [0.3, 1]]);
    const model = gaussianEnergy({ dim: 2 });
    const fitted = gaussianNoise.fit(data, { ridge: 0.1 });
    const mixture = gaussianMixtureNoise({ weights: [1, 1], means: [[-1, 0], [1, 1]], covariances: [[[1, 0], [0, 1]], [[2, 0], [0, 1]]] });
    for (const noise of [fitted, mixture, normalDistribution({ eventShape: [2], std: 2 })]) {
      await expectObjectiveContract(nce({ noise, ratio: 2 }), { model, batch: data });
    }
    tf.dispose(data);
    fitted.dispose();
    mixture.dispose();
    disposeState(model.variables);
  });

  it('leaks no tensor over 1000 steps', () => {
    const data = gaussianSamples(prngKey(3), 4, [0], [[1]]);
    const noise = gaussianNoise({ mean: [0], covariance: [[2]] });
    const model = gaussianEnergy({ dim: 1 });
    expectObjectiveNoLeaks(nce({ noise, ratio: 2 }), { model, batch: data, key: prngKey(4) });
    data.dispose();
    noise.dispose();
    disposeState(model.variables);
  });

  it("trains with core's fit, which optimises c with the model and keeps it alive", async () => {
    const data = gaussianSamples(prngKey(8), 256, [0.5], [[0.5]]);
    const noise = gaussianNoise.fit(data);
    const model = gaussianEnergy({ dim: 1 });
    const objective = nce({ noise, ratio: 2 });
    const { losses, metrics, state } = await fit(model, objective, data, { optimizer: tf.train.adam(0.05), steps: 40, batchSize: 64, key: prngKey(9) });
    expect(state.logZ.isDisposed).toBe(false);
    expect(metrics[0]!.logZ).toBe(0);
    expect(state.logZ.dataSync()[0]).not.toBe(0);
    expect(losses.every(Number.isFinite)).toBe(true);
    data.dispose();
    noise.dispose();
    disposeState([model.variables, state]);
  });

  it('rejects noise of another dimension, naming the noise', () => {
    const data = tf.zeros([4, 2]);
    const noise = gaussianNoise({ mean: [0, 0, 0], covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    const model = gaussianEnergy({ dim: 2 });
    const objective = nce({ noise });
    const state = objective.init(model, prngKey(0));
    expect(() => objective.gradients(model, data, state, prngKey(1))).toThrow(ShapeError);
    expect(() => objective.gradients(model, data, state, prngKey(1))).toThrow(/noise/);
    data.dispose();
    noise.dispose();
    disposeState([model.variables, state]);
  });
});

describeBackends('nce with a parameterVjp model (MLP)', () => {
  it('equals the tape path for the same keys: loss, gradients of the model and log Z, metrics', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [8, 8], key: prngKey(1) });
    const tapeOnly: EnergyModel = { energy: model.energy, variables: model.variables };
    const noise = normalDistribution({ eventShape: [2], std: 2 });
    const objective = nce({ noise, ratio: 3 });
    const data = normal(prngKey(2), [12, 2]);
    // One state (the log Z variable) for both: gradients does not change it.
    const state = objective.init(model, prngKey(3));
    const hook = objective.gradients(model, data, state, prngKey(4));
    const tape = objective.gradients(tapeOnly, data, state, prngKey(4));
    expect(Object.keys(hook.grads)).toContain(state.logZ.name);
    expectSameObjectiveStep(hook, tape);
    tf.dispose([hook.loss, hook.grads, hook.metrics, tape.loss, tape.grads, tape.metrics]);
    disposeState(state);
    expectObjectiveNoLeaks(objective, { model, batch: data, iterations: 20 });
    tf.dispose([data, ...model.variables]);
  });
});

describe('nce arguments', () => {
  const noise: Distribution = { eventShape: [1], sample: () => tf.zeros([1, 1]), logProb: () => tf.zeros([1]) as tf.Tensor1D };
  it.each([
    [{ noise: undefined as never }, /noise.*got undefined/],
    [{ noise: { sample: () => tf.zeros([1]), logProb: () => tf.zeros([1]) } as never }, /noise.*eventShape/],
    [{ noise: { eventShape: [1], sample: () => tf.zeros([1]) } as never }, /noise.*logProb/],
    [{ noise: { eventShape: [1], logProb: () => tf.zeros([1]) } as never }, /noise.*sample/],
    [{ noise, ratio: 0 }, /ratio/],
    [{ noise, ratio: -2 }, /ratio/],
    [{ noise, ratio: Number.NaN }, /ratio/],
    [{ noise, initialLogZ: Number.POSITIVE_INFINITY }, /initialLogZ/],
  ])('rejects %s, naming the argument', (options, name) => {
    expect(() => nce(options)).toThrow(InvalidArgumentError);
    expect(() => nce(options)).toThrow(name);
  });
});
