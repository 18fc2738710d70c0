import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, disposeState, energyAndGradient, prngKey } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { describeBackends } from '@ebm/core/testing';
import { noiseConditional } from './noise-conditional.js';
import { gaussianSamples } from './train.test-helper.js';

describeBackends('noiseConditional', () => {
  it('evaluates the energy on [x, log sigma] and keeps a matching fast gradient', () => {
    const model = mlpEnergy({ inputShape: [3], hidden: [8], key: prngKey(1) });
    const x = gaussianSamples(prngKey(2), 5, [0, 0], [[1, 0], [0, 1]]);
    const energyAt = noiseConditional(model.energy, 0.2);
    const augmented = tf.concat([x, tf.fill([5, 1], Math.log(0.2))], 1);
    const direct = model.energy(augmented).dataSync();
    const fast = energyAndGradient(energyAt, x);
    const tape = tf.grad((z: tf.Tensor) => tf.sum(energyAt(z)))(x);
    Array.from(energyAt(x).dataSync()).forEach((e, i) => expect(e).toBeCloseTo(direct[i]!, 5));
    expect(fast.gradient.shape).toEqual([5, 2]);
    Array.from(fast.gradient.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(tape.dataSync()[i]!, 5));
    tf.dispose([x, augmented, fast.energy, fast.gradient, tape]);
    disposeState(model.variables);
  });
});

describe('noiseConditional arguments', () => {
  it('rejects sigma <= 0, naming it', () => {
    const energy = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
    expect(() => noiseConditional(energy, 0)).toThrow(InvalidArgumentError);
    expect(() => noiseConditional(energy, 0)).toThrow(/sigma/);
  });
});
