import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { contrastiveGradients } from './contrastive-gradients.js';
import { prngKey } from './key.js';
import { mlpEnergy } from './models/mlp.js';
import { normal } from './random.js';
import { describeBackends, expectNoLeaks, expectSameObjectiveStep } from './testing/index.js';
import type { EnergyModel } from './types.js';

describeBackends('contrastiveGradients', () => {
  it('differentiates mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2) and reports the energies (tape)', () => {
    // E(x) = w x: dL/dw = mean x+ - mean x- + alpha (2 w mean x+^2 + 2 w mean x-^2).
    const w = tf.variable(tf.scalar(0.5), true, 'contrastive_test_w');
    const model: EnergyModel = { energy: (x) => tf.mul(w, tf.reshape(x, [-1])) as tf.Tensor1D, variables: [w] };
    const [pos, neg] = [tf.tensor2d([1, 2, 3], [3, 1]), tf.tensor2d([-1, 4], [2, 1])];
    for (const alpha of [0, 0.1]) {
      const { value, grads, metrics } = tf.tidy(() => contrastiveGradients(model, pos, neg, alpha));
      const [mp, mn, mp2, mn2] = [2, 1.5, 14 / 3, 8.5];
      expect(value.dataSync()[0]).toBeCloseTo(0.5 * (mp - mn) + alpha * 0.25 * (mp2 + mn2), 5);
      expect(grads[w.name]!.dataSync()[0]).toBeCloseTo(mp - mn + alpha * 2 * 0.5 * (mp2 + mn2), 5);
      expect(metrics.positiveEnergy!.dataSync()[0]).toBeCloseTo(1, 6);
      expect(metrics.negativeEnergy!.dataSync()[0]).toBeCloseTo(0.75, 6);
      expect(metrics.energyGap!.dataSync()[0]).toBeCloseTo(0.25, 6);
      tf.dispose([value, grads, metrics]);
    }
    expectNoLeaks(() => tf.dispose(tf.tidy(() => contrastiveGradients(model, pos, neg, 0.1))), 20);
    tf.dispose([w, pos, neg]);
  });

  it('through parameterVjp equals the tape: loss, every gradient and every metric, with and without alpha', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [6, 5], key: prngKey(1) });
    model.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.add(v, tf.mul(normal(prngKey(10 + i), v.shape), 0.3)))));
    const tapeOnly: EnergyModel = { energy: model.energy, variables: model.variables };
    const [pos, neg] = [normal(prngKey(2), [7, 2]), tf.mul(normal(prngKey(3), [5, 2]), 2)];
    for (const alpha of [0, 0.3]) {
      tf.tidy(() => {
        const asStep = ({ value, grads, metrics }: ReturnType<typeof contrastiveGradients>) => ({ loss: value, grads, metrics, state: null });
        expectSameObjectiveStep(asStep(contrastiveGradients(model, pos, neg, alpha)), asStep(contrastiveGradients(tapeOnly, pos, neg, alpha)));
      });
    }
    expectNoLeaks(() => tf.dispose(tf.tidy(() => contrastiveGradients(model, pos, neg, 0.3))), 10);
    tf.dispose([pos, neg, ...model.variables]);
  });

  it('rejects a parameterVjp that leaves a variable out, naming the model', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [3], key: prngKey(4) });
    const partial: EnergyModel = {
      ...model,
      parameterVjp: (x) => {
        const { energy, vjp } = model.parameterVjp(x);
        return { energy, vjp: (w) => ({ [model.variables[0]!.name]: vjp(w)[model.variables[0]!.name]! }) };
      },
    };
    const x = tf.zeros([4, 2]);
    expect(() => tf.tidy(() => contrastiveGradients(partial, x, x))).toThrow(/^model: parameterVjp returned no gradient for variable/);
    tf.dispose([x, ...model.variables]);
  });
});
