import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { describeBackends, expectAllClose, expectNoLeaks } from '../testing/index.js';
import type { EnergyModel } from '../types.js';
import { variableGradients } from '../variable-gradients.js';
import { ACTIVATIONS } from './activations.js';
import { convEnergy } from './conv-energy.js';
import { mlpEnergy } from './mlp.js';


/** Moves every parameter off its initial value (biases start at 0, which would hide a bias bug). */
function randomizeParameters(model: EnergyModel, seed: number): void {
  model.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.add(v, tf.mul(normal(prngKey(seed + i), v.shape), 0.3)))));
}

/** `parameterVjp(x)` against `tf.variableGrads` of `sum_i w_i E(x_i)` through `model.energy`, with random weights. */
function expectVjpMatchesTape(model: EnergyModel, x: tf.Tensor): void {
  const n = x.shape[0]!;
  const weights = normal(prngKey(99), [n]) as tf.Tensor1D;
  tf.tidy(() => {
    const { energy, vjp } = model.parameterVjp!(x);
    const grads = vjp(weights);
    const tape = variableGradients(() => tf.sum(tf.mul(weights, model.energy(x))) as tf.Scalar, model.variables);
    expectAllClose(energy, model.energy(x));
    expect(Object.keys(grads).sort()).toEqual(model.variables.map((v) => v.name).sort());
    for (const variable of model.variables) expectAllClose(grads[variable.name]!, tape.grads[variable.name]!);
    // A second vjp from the same trace (other weights) is as good as the first.
    const again = vjp(tf.neg(weights));
    for (const variable of model.variables) expectAllClose(again[variable.name]!, tf.neg(tape.grads[variable.name]!));
  });
  weights.dispose();
}

/** Kernels `run` launches, as tf.profile lists them (customGrad scopes are not kernels). */
async function countKernels(run: () => void): Promise<number> {
  const profile = await tf.profile(() => tf.tidy(run));
  return profile.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined).length;
}

describeBackends('parameterVjp', () => {
  describe('mlpEnergy', () => {
    for (const activation of ACTIVATIONS) {
      it(`equals tf.variableGrads of sum_i w_i E(x_i) and returns E(x) (${activation})`, () => {
        const model = mlpEnergy({ inputShape: [3], hidden: [8, 6], activation, key: prngKey(1) });
        randomizeParameters(model, 10);
        const x = normal(prngKey(2), [9, 3]);
        expectVjpMatchesTape(model, x);
        tf.dispose([x, ...model.variables]);
      });
    }

    it('handles no hidden layer and image-shaped inputs', () => {
      for (const hidden of [[], [5]]) {
        const model = mlpEnergy({ inputShape: [2, 3], hidden, activation: 'tanh', key: prngKey(3) });
        randomizeParameters(model, 20);
        const x = normal(prngKey(4), [6, 2, 3]);
        expectVjpMatchesTape(model, x);
        tf.dispose([x, ...model.variables]);
      }
    });

    it('runs fewer kernels than the tape and leaks nothing', async () => {
      const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: prngKey(5) });
      const x = normal(prngKey(6), [32, 2]);
      const weights = tf.fill([32], 1 / 32) as tf.Tensor1D;
      const hook = await countKernels(() => model.parameterVjp(x).vjp(weights));
      const tape = await countKernels(() => variableGradients(() => tf.sum(tf.mul(weights, model.energy(x))) as tf.Scalar, model.variables));
      console.log(`mlpEnergy [64, 64] on ${tf.getBackend()}: parameterVjp ${hook} kernels, tape ${tape}`);
      expect(hook).toBeLessThan(tape);
      expectNoLeaks(() => tf.dispose(tf.tidy(() => model.parameterVjp(x).vjp(weights))), 5);
      tf.dispose([x, weights, ...model.variables]);
    });

    it('rejects rows of the wrong shape, naming x', () => {
      const model = mlpEnergy({ inputShape: [3], hidden: [4], key: prngKey(7) });
      const x = tf.zeros([5, 2]);
      expect(() => tf.tidy(() => {
        model.parameterVjp(x);
      })).toThrow(/^x: /);
      tf.dispose([x, ...model.variables]);
    });
  });

  describe('convEnergy', () => {
    const cases = [
      { activation: 'swish', stride: 2, hidden: [] as number[] },
      { activation: 'leakyRelu', stride: 1, hidden: [4] },
      { activation: 'tanh', stride: 2, hidden: [3] },
    ] as const;
    for (const { activation, stride, hidden } of cases) {
      it(`equals tf.variableGrads of sum_i w_i E(x_i) and returns E(x) (${activation}, stride ${stride}, head [${hidden}])`, () => {
        const model = convEnergy({ inputShape: [6, 5, 2], channels: [3, 4], stride, hidden, activation, key: prngKey(8) });
        randomizeParameters(model, 30);
        const x = normal(prngKey(9), [4, 6, 5, 2]);
        expectVjpMatchesTape(model, x);
        tf.dispose([x, ...model.variables]);
      });
    }

    it('runs fewer kernels than the tape and leaks nothing', async () => {
      const model = convEnergy({ inputShape: [8, 8], channels: [4, 8], key: prngKey(10) });
      const x = normal(prngKey(11), [6, 8, 8]);
      const weights = tf.fill([6], 1 / 6) as tf.Tensor1D;
      const hook = await countKernels(() => model.parameterVjp(x).vjp(weights));
      const tape = await countKernels(() => variableGradients(() => tf.sum(tf.mul(weights, model.energy(x))) as tf.Scalar, model.variables));
      console.log(`convEnergy [4, 8] on ${tf.getBackend()}: parameterVjp ${hook} kernels, tape ${tape}`);
      expect(hook).toBeLessThan(tape);
      expectNoLeaks(() => tf.dispose(tf.tidy(() => model.parameterVjp(x).vjp(weights))), 5);
      tf.dispose([x, weights, ...model.variables]);
    });
  });
});
