import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { nceLoss } from './nce-loss.js';
import { describeBackends, expectNoLeaks } from './testing/index.js';
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
