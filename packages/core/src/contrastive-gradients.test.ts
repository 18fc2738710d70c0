import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { contrastiveGradients } from './contrastive-gradients.js';
import { describeBackends, expectNoLeaks } from './testing/index.js';

describeBackends('contrastiveGradients', () => {
  it('differentiates mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2) and reports the energies', () => {
    // E(x) = w x: dL/dw = mean x+ - mean x- + alpha (2 w mean x+^2 + 2 w mean x-^2).
    const w = tf.variable(tf.scalar(0.5), true, 'contrastive_test_w');
    const [pos, neg] = [tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, 4])];
    const energies = () => ({ positive: tf.mul(w, pos) as tf.Tensor1D, negative: tf.mul(w, neg) as tf.Tensor1D });
    for (const alpha of [0, 0.1]) {
      const { value, grads, metrics } = tf.tidy(() => contrastiveGradients(energies, [w], alpha));
      const [mp, mn, mp2, mn2] = [2, 1.5, 14 / 3, 8.5];
      expect(value.dataSync()[0]).toBeCloseTo(0.5 * (mp - mn) + alpha * 0.25 * (mp2 + mn2), 5);
      expect(grads[w.name]!.dataSync()[0]).toBeCloseTo(mp - mn + alpha * 2 * 0.5 * (mp2 + mn2), 5);
      expect(metrics.positiveEnergy!.dataSync()[0]).toBeCloseTo(1, 6);
      expect(metrics.negativeEnergy!.dataSync()[0]).toBeCloseTo(0.75, 6);
      expect(metrics.energyGap!.dataSync()[0]).toBeCloseTo(0.25, 6);
      tf.dispose([value, grads, metrics]);
    }
    expectNoLeaks(() => {
      const { value, grads, metrics } = tf.tidy(() => contrastiveGradients(energies, [w], 0.1));
      tf.dispose([value, grads, metrics]);
    }, 20);
    tf.dispose([w, pos, neg]);
  });
});
