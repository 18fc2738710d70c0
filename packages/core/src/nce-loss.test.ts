import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { prngKey } from './key.js';
import { mlpEnergy } from './models/mlp.js';
import { nceGradients, nceLoss } from './nce-loss.js';
import { normal } from './random.js';
import type { EnergyModel } from './types.js';
import { describeBackends, expectAllClose, expectNoLeaks } from './testing/index.js';
import { variableGradients } from './variable-gradients.js';

const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describeBackends('nceLoss', () => {
  // Two data rows, four noise rows (nu = 2), energies and noise log-densities chosen so that
  // G changes sign within each class.
  const dataEnergy = [0.2, 3];
  const noiseEnergy = [0.1, 2.5, 4, 0.7];
  const dataLogNoise = [-1.5, -1];
  const noiseLogNoise = [-2.5, -0.8, -1.2, -3];
  const c = 0.3;
  const nu = 2;
  const g = (e: number, lp: number) => -e - c - Math.log(nu) - lp;
  const gData = dataEnergy.map((e, i) => g(e, dataLogNoise[i]!));
  const gNoise = noiseEnergy.map((e, j) => g(e, noiseLogNoise[j]!));

  it('is the logistic loss of G = -E - c - log nu - log p_n, with per-class accuracies and dJ/dc in closed form', () => {
    const logZ = tf.variable(tf.scalar(c), true, 'nce-loss/c');
    const { value, grads, aux } = tf.tidy(() =>
      variableGradients(() => {
        const terms = nceLoss({
          dataEnergy: tf.tensor1d(dataEnergy),
          noiseEnergy: tf.tensor1d(noiseEnergy),
          logZ: logZ as tf.Scalar,
          dataLogNoise: tf.tensor1d(dataLogNoise),
          noiseLogNoise: tf.tensor1d(noiseLogNoise),
          ratio: nu,
        });
        return { loss: terms.loss, aux: { accuracy: terms.accuracy, dataAccuracy: terms.dataAccuracy, noiseAccuracy: terms.noiseAccuracy } };
      }, [logZ]),
    );
    const loss = gData.reduce((s, v) => s + softplus(-v), 0) / 2 + (nu * gNoise.reduce((s, v) => s + softplus(v), 0)) / 4;
    // dG/dc = -1: dJ/dc = 1/N sum sigma(-G(x)) - nu/M sum sigma(G(y)).
    const dc = gData.reduce((s, v) => s + sigmoid(-v), 0) / 2 - (nu * gNoise.reduce((s, v) => s + sigmoid(v), 0)) / 4;
    const dataRight = gData.filter((v) => v > 0).length;
    const noiseRight = gNoise.filter((v) => v <= 0).length;
    // The data were chosen so that each class has one row on each side of G = 0.
    expect([dataRight, noiseRight]).toEqual([1, 2]);
    expect(value.dataSync()[0]).toBeCloseTo(loss, 5);
    expect(grads['nce-loss/c']!.dataSync()[0]).toBeCloseTo(dc, 5);
    expect(aux.dataAccuracy.dataSync()[0]).toBeCloseTo(dataRight / 2, 6);
    expect(aux.noiseAccuracy.dataSync()[0]).toBeCloseTo(noiseRight / 4, 6);
    expect(aux.accuracy.dataSync()[0]).toBeCloseTo((dataRight + noiseRight) / 6, 6);
    tf.dispose([value, grads, aux, logZ]);
  });

  it('leaks nothing inside tidy', () => {
    const inputs = () => ({
      dataEnergy: tf.tensor1d(dataEnergy),
      noiseEnergy: tf.tensor1d(noiseEnergy),
      logZ: tf.scalar(c),
      dataLogNoise: tf.tensor1d(dataLogNoise),
      noiseLogNoise: tf.tensor1d(noiseLogNoise),
      ratio: nu,
    });
    expectNoLeaks(() => tf.tidy(() => void nceLoss(inputs())), 200);
  });
});

describeBackends('nceGradients', () => {
  it('through parameterVjp equals tf.variableGrads of nceLoss: loss, gradients of the model and c, accuracies, mean energies', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [6, 5], activation: 'tanh', key: prngKey(1) });
    model.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.add(v, tf.mul(normal(prngKey(10 + i), v.shape), 0.3)))));
    const tapeOnly: EnergyModel = { energy: model.energy, variables: model.variables };
    const logZ = tf.variable(tf.scalar(0.4), true, 'nce_gradients_test_logz');
    const [data, noise] = [normal(prngKey(2), [6, 2]), tf.mul(normal(prngKey(3), [9, 2]), 2)];
    // Any normalised density works for the comparison: a standard normal's, up to a constant.
    const logNoise = (x: tf.Tensor) => tf.sub(tf.mul(-0.5, tf.sum(tf.square(x), 1)), Math.log(2 * Math.PI)) as tf.Tensor1D;
    const [dataLogNoise, noiseLogNoise] = [logNoise(data), logNoise(noise)];
    const input = { data, noise, logZ, dataLogNoise, noiseLogNoise, ratio: 9 / 6 };
    tf.tidy(() => {
      const hook = nceGradients(model, input);
      const tape = nceGradients(tapeOnly, input);
      expect(Object.keys(hook.grads).sort()).toEqual([...model.variables.map((v) => v.name), logZ.name].sort());
      for (const name of Object.keys(tape.grads)) expectAllClose(hook.grads[name]!, tape.grads[name]!);
      for (const name of ['loss', 'accuracy', 'dataAccuracy', 'noiseAccuracy', 'dataEnergy', 'noiseEnergy'] as const) expectAllClose(hook[name], tape[name]);
      // The tape path is nceLoss itself.
      const direct = nceLoss({ dataEnergy: model.energy(data), noiseEnergy: model.energy(noise), logZ, dataLogNoise, noiseLogNoise, ratio: 9 / 6 });
      expectAllClose(tape.loss, direct.loss);
    });
    expectNoLeaks(() => tf.dispose(tf.tidy(() => ({ ...nceGradients(model, input) }))), 10);
    tf.dispose([data, noise, dataLogNoise, noiseLogNoise, logZ, ...model.variables]);
  });
});
