import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { cosineDecay } from '../schedule.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { adam, momentum, rmsprop, sgd } from './optimizers.js';

/** Applies `steps` updates of `optimizer` to w with the gradient of sum(w^2 + w) and returns w. */
function run(optimizer: tf.Optimizer, steps: number, name: string): number[] {
  const w = tf.variable(tf.tensor1d([1, -2]), true, name);
  for (let t = 0; t < steps; t++) {
    tf.tidy(() => optimizer.applyGradients({ [name]: tf.add(tf.mul(2, w), 1) }));
  }
  const values = Array.from(w.dataSync());
  w.dispose();
  optimizer.dispose();
  return values;
}

let counter = 0;
const unique = () => `optimizers-test/w${counter++}`;

describeBackends('scheduled optimizers', () => {
  it('with a constant learning rate are exactly the tfjs optimizers', () => {
    expect(run(adam({ learningRate: 0.1 }), 5, unique())).toEqual(run(tf.train.adam(0.1), 5, unique()));
    expect(run(sgd({ learningRate: 0.1 }), 5, unique())).toEqual(run(tf.train.sgd(0.1), 5, unique()));
    expect(run(momentum({ learningRate: 0.1, momentum: 0.5 }), 5, unique())).toEqual(run(tf.train.momentum(0.1, 0.5), 5, unique()));
    expect(run(rmsprop({ learningRate: 0.01 }), 5, unique())).toEqual(run(tf.train.rmsprop(0.01), 5, unique()));
  });

  it('use schedule(t) for update t, from the optimizer\'s own iteration count', () => {
    // SGD on a constant gradient g = 1: w_T = w_0 - sum_{t < T} lr_t.
    const name = unique();
    const w = tf.variable(tf.scalar(0), true, name);
    const optimizer = sgd({ learningRate: (t) => 0.1 * (t + 1) });
    for (let t = 0; t < 4; t++) tf.tidy(() => optimizer.applyGradients({ [name]: tf.scalar(1) }));
    expect(w.dataSync()[0]).toBeCloseTo(-(0.1 + 0.2 + 0.3 + 0.4), 5);
    expect(optimizer.iterations).toBe(4);
    optimizer.dispose();
    w.dispose();
    // Adam's first update moves every coordinate by lr_0 (m^ / sqrt(v^) = sign g): a schedule's first value is what counts.
    const scheduled = run(adam({ learningRate: cosineDecay({ initial: 0.5, decaySteps: 10 }) }), 1, unique());
    expect(scheduled[0]).toBeCloseTo(1 - 0.5, 4);
  });

  it('leak nothing per update, and refuse bad options naming them', () => {
    const name = unique();
    const w = tf.variable(tf.zeros([3]), true, name);
    const optimizer = sgd({ learningRate: (t) => 1 / (t + 1) });
    optimizer.applyGradients({ [name]: tf.ones([3]) });
    expectNoLeaks(() => tf.tidy(() => optimizer.applyGradients({ [name]: tf.ones([3]) })), 100);
    optimizer.dispose();
    w.dispose();
    expect(() => adam({ learningRate: 0 })).toThrow(/^learningRate:/);
    expect(() => adam({ learningRate: 0.1, beta1: 2 })).toThrow(/^beta1:/);
    expect(() => sgd({ learningRate: () => Number.NaN })).toThrow(/^learningRate: the schedule returned NaN at update 0/);
  });
});
