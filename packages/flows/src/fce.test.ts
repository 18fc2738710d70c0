import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type Distribution, InvalidArgumentError, type Key, ShapeError, cosineDecay, disposeState, nceLoss, normal, prngKey } from '@ebm/core';
import { gaussianEnergy, mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectGaussianRecovery, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { adam, fit } from '@ebm/core/train';
import { nce } from '@ebm/nce';
import { fce } from './fce.js';
import type { Flow } from './flow.js';
import { realNvp } from './real-nvp.js';

/** Rows `mean + z L^T`, z ~ N(0, I). */
function gaussianSamples(key: Key, n: number, mean: number[], factor: number[][]): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(normal(key, [n, mean.length]), tf.transpose(tf.tensor2d(factor))), tf.tensor1d(mean)));
}

describeBackends('fce', () => {
  it('recovers the mean, precision and log Z of Gaussian data with a Gaussian energy', async () => {
    const n = 1000;
    const cov = [[1, 0.5], [0.5, 0.89]];
    const data = gaussianSamples(prngKey(1), n, [1, -1], [[1, 0], [0.5, 0.8]]);
    const model = gaussianEnergy({ dim: 2 });
    const flow = realNvp({ dim: 2, layers: 4, hidden: [8], key: prngKey(2) });
    const objective = fce({ flow });
    const steps = 300;
    const optimizer = adam({ learningRate: cosineDecay({ initial: 0.03, decaySteps: steps }) });
    const { state, metrics } = await fit(model, objective, data, { optimizer, steps, batchSize: n, key: prngKey(3) });
    // At FCE's equilibrium the flow matches the data, so the model's estimator is NCE with noise
    // equal to the data distribution, whose asymptotic variance is (1 + 1/nu) times the MLE's
    // (Gutmann & Hyvarinen 2012, Sec. 2.4); fresh flow draws at every step only lower it. Each
    // tolerance is 4 MLE standard errors times sqrt(1 + 1/nu), nu = 1.
    const logZ = state.logZ.dataSync()[0]!;
    expectGaussianRecovery({ model, logZ, mean: [1, -1], covariance: cov, n, inflation: Math.sqrt(2) });
    // The classifier is at chance once flow and model match the data: 0.5 within 4 binomial
    // standard errors of the N + M = 2000 rows of the last step.
    expectWithinStandardErrors(metrics.at(-1)!.accuracy!, 0.5, Math.sqrt(0.25 / (2 * n)), { label: 'accuracy' });
    // The flow, trained only adversarially (no warm-up), ends near the data too: its mean log-likelihood is within 0.1 nats of the entropy's negative.
    const entropy = 1 + Math.log(2 * Math.PI) + 0.5 * Math.log(cov[0]![0]! * cov[1]![1]! - cov[0]![1]! ** 2);
    expect(Math.abs(metrics.at(-1)!.flowLogLikelihood! + entropy)).toBeLessThan(0.1);
    optimizer.dispose();
    data.dispose();
    disposeState([model.variables, state]);
  });

  it("gives the model and c NCE's gradients against the flow, and the flow the opposite of J's gradient", () => {
    const data = gaussianSamples(prngKey(4), 32, [0.5, 0], [[1, 0], [0.3, 0.6]]);
    const model = mlpEnergy({ inputShape: [2], hidden: [8], key: prngKey(5) });
    const flow = realNvp({ dim: 2, layers: 2, hidden: [8], key: prngKey(6) });
    perturb(flow);
    const key = prngKey(7);
    const reference = nce({ noise: flow, ratio: 2, initialLogZ: 0.3 });
    const objective = fce({ flow, ratio: 2, initialLogZ: 0.3 });
    const [nceState, state] = [reference.init(model, key), objective.init(model, key)];
    const [expected, step] = [reference.gradients(model, data, nceState, key), objective.gradients(model, data, state, key)];
    expect(step.loss.dataSync()[0]).toBeCloseTo(expected.loss.dataSync()[0]!, 5);
    expect(step.state).not.toBe(state);
    expect(step.state.flowVariables).toBe(flow.variables);
    expect(step.state.step).toBe(1);
    expectClose(step.grads[state.logZ.name]!, expected.grads[nceState.logZ.name]!);
    for (const v of model.variables) expectClose(step.grads[v.name]!, expected.grads[v.name]!);
    // J as a function of the flow's variables alone, with the same draws (same key): the flow's gradient is -dJ/dalpha.
    const flowGrads = flowGradients(flow, () => {
      const { sample, logProb } = flow.sampleAndLogProb(key, 64);
      const terms = nceLoss({ dataEnergy: model.energy(data), noiseEnergy: model.energy(sample), logZ: tf.scalar(0.3), dataLogNoise: flow.logProb(data), noiseLogNoise: logProb, ratio: 2 });
      return terms.loss;
    });
    for (const v of flow.variables) expectClose(step.grads[v.name]!, tf.neg(flowGrads[v.name]!));
    expect(tf.tidy(() => tf.sum(tf.abs(step.grads[flow.variables[0]!.name]!)).dataSync()[0]!)).toBeGreaterThan(0);
    tf.dispose([data, expected.loss, expected.grads, expected.metrics, step.loss, step.grads, step.metrics, flowGrads]);
    disposeState([model.variables, nceState, state]);
  });

  it('warms the flow up by maximum likelihood, then mixes the NLL in with mleWeight', () => {
    const data = gaussianSamples(prngKey(8), 32, [0.5, 0], [[1, 0], [0.3, 0.6]]);
    const model = mlpEnergy({ inputShape: [2], hidden: [8], key: prngKey(9) });
    const flow = realNvp({ dim: 2, layers: 2, hidden: [8], key: prngKey(10) });
    perturb(flow);
    const key = prngKey(11);
    const objective = fce({ flow, warmupSteps: 1, mleWeight: 0.5 });
    const state = objective.init(model, key);
    const reference = nce({ noise: flow });
    const nceState = reference.init(model, key);
    const warm = objective.gradients(model, data, state, key);
    const after = objective.gradients(model, data, warm.state, key);
    const nceStep = reference.gradients(model, data, nceState, key);
    const nll = flowGradients(flow, () => tf.neg(tf.mean(flow.logProb(data))) as tf.Scalar);
    const j = flowGradients(flow, () => {
      const { sample, logProb } = flow.sampleAndLogProb(key, 32);
      return nceLoss({ dataEnergy: model.energy(data), noiseEnergy: model.energy(sample), logZ: tf.scalar(0), dataLogNoise: flow.logProb(data), noiseLogNoise: logProb, ratio: 1 }).loss;
    });
    for (const v of flow.variables) {
      // Warm-up: dNLL/dalpha; then -dJ/dalpha + 0.5 dNLL/dalpha.
      expectClose(warm.grads[v.name]!, nll[v.name]!);
      expectClose(after.grads[v.name]!, tf.add(tf.neg(j[v.name]!), tf.mul(0.5, nll[v.name]!)));
    }
    // The model learns by NCE against the flow during the warm-up too.
    for (const v of model.variables) expectClose(warm.grads[v.name]!, nceStep.grads[v.name]!);
    expect(warm.metrics.flowLogLikelihood!.dataSync()[0]).toBeCloseTo(-nllValue(flow, data), 4);
    tf.dispose([data, warm.loss, warm.grads, warm.metrics, after.loss, after.grads, after.metrics, nceStep.loss, nceStep.grads, nceStep.metrics, nll, j]);
    disposeState([model.variables, nceState, after.state]);
  });

  it('keeps the objective contract (no device read, fresh state, gradients for c and the flow) and leaks nothing', async () => {
    const data = gaussianSamples(prngKey(12), 8, [0, 1], [[1, 0], [0.3, 1]]);
    const model = mlpEnergy({ inputShape: [2], hidden: [4], key: prngKey(13) });
    for (const options of [{}, { warmupSteps: 2 }, { mleWeight: 0.1, ratio: 2 }]) {
      const flow = realNvp({ dim: 2, layers: 2, hidden: [4], key: prngKey(14) });
      // The contract's states own the flow's variables: each check gets its own flow.
      await expectObjectiveContract(fce({ flow, ...options }), { model, batch: data, steps: 4 });
    }
    const flow = realNvp({ dim: 2, layers: 2, hidden: [4], key: prngKey(15) });
    expectObjectiveNoLeaks(fce({ flow, warmupSteps: 3 }), { model, batch: data, iterations: 300 });
    data.dispose();
    disposeState(model.variables);
  });

  it("trains with core's fit, which optimises c and the flow with the model", async () => {
    const data = gaussianSamples(prngKey(16), 256, [0.5, 0], [[1, 0], [0.3, 0.6]]);
    const model = mlpEnergy({ inputShape: [2], hidden: [8], key: prngKey(17) });
    const flow = realNvp({ dim: 2, layers: 2, hidden: [8], key: prngKey(18) });
    const before = flow.variables.map((v) => tf.clone(v));
    const objective = fce({ flow, warmupSteps: 5 });
    const { losses, metrics, state } = await fit(model, objective, data, { optimizer: tf.train.adam(0.01), steps: 20, batchSize: 64, key: prngKey(19) });
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Object.keys(metrics[0]!).sort()).toEqual(['accuracy', 'dataAccuracy', 'flowAccuracy', 'flowLogLikelihood', 'logZ']);
    expect(state.step).toBe(20);
    expect(objective.flow(state)).toBe(flow);
    const moved = flow.variables.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, before[i]!))).dataSync()[0]!));
    expect(Math.max(...moved)).toBeGreaterThan(0);
    tf.dispose([data, ...before]);
    disposeState([model.variables, state]);
  });

  it('rejects a batch of another dimension, naming the flow', () => {
    const model = gaussianEnergy({ dim: 3 });
    const flow = realNvp({ dim: 2, layers: 2, hidden: [2] });
    const objective = fce({ flow });
    const state = objective.init(model, prngKey(0));
    const batch = tf.zeros([4, 3]);
    expect(() => objective.gradients(model, batch, state, prngKey(1))).toThrow(ShapeError);
    expect(() => objective.gradients(model, batch, state, prngKey(1))).toThrow(/flow/);
    batch.dispose();
    disposeState([model.variables, state]);
  });
});

describe('fce arguments', () => {
  it('rejects a noise that is not a flow, bad ratios, warm-ups and weights, and a flow shared with the model', () => {
    const flow = realNvp({ dim: 2, layers: 2, hidden: [2] });
    const noise: Distribution = { eventShape: [2], sample: () => tf.zeros([1, 2]), logProb: () => tf.zeros([1]) as tf.Tensor1D };
    expect(() => fce({ flow: noise as never })).toThrow(InvalidArgumentError);
    expect(() => fce({ flow: noise as never })).toThrow(/flow.*normalizing flow/);
    expect(() => fce({ flow, ratio: 0 })).toThrow(/ratio/);
    expect(() => fce({ flow, warmupSteps: -1 })).toThrow(/warmupSteps/);
    expect(() => fce({ flow, warmupSteps: 1.5 })).toThrow(/warmupSteps/);
    expect(() => fce({ flow, mleWeight: -1 })).toThrow(/mleWeight/);
    expect(() => fce({ flow, initialLogZ: Number.NaN })).toThrow(/initialLogZ/);
    expect(() => fce({ flow }).init(flow, prngKey(0))).toThrow(/flow.*shares variables/);
    flow.dispose();
  });
});

/** Moves the flow's variables off their identity start so every gradient is non-trivial. */
function perturb(flow: Flow): void {
  flow.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.add(v, tf.mul(normal(prngKey(100 + i), v.shape), 0.2)))));
}

/** `d loss / d v` for every flow variable (the gradient tf.variableGrads gives), by name. */
function flowGradients(flow: Flow, loss: () => tf.Scalar): tf.NamedTensorMap {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, [...flow.variables]);
    value.dispose();
    return grads;
  });
}

function nllValue(flow: Flow, data: tf.Tensor): number {
  return tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))).dataSync()[0]!);
}

/** `a` and `b` agree to 1e-4 relative to their scale (float32 sums taken in different orders). */
function expectClose(a: tf.Tensor, b: tf.Tensor): void {
  const [difference, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(b)).dataSync()[0]!]);
  expect(difference).toBeLessThanOrEqual(1e-4 * Math.max(1, scale!));
}
