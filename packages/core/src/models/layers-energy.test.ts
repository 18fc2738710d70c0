import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from '../energy-gradient.js';
import { InvalidArgumentError } from '../errors.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { layersEnergy } from './layers-energy.js';

describeBackends('layersEnergy', () => {
  it('wraps a scalar-output layers model as an EnergyModel', () => {
    const net = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'tanh' }), tf.layers.dense({ units: 1 })],
    });
    const model = layersEnergy(net);
    expect(model.variables.map((v) => v.shape)).toEqual([[2, 4], [4], [4, 1], [1]]);
    const x = tf.tensor2d([[0.5, -1], [1, 2], [0, 0]]);
    const e = model.energy(x);
    const direct = tf.reshape(net.predict(x) as tf.Tensor, [-1]);
    expect(e.shape).toEqual([3]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(e, direct))).dataSync()[0])).toBeLessThan(1e-6);
    const { grads } = tf.variableGrads(() => tf.mean(model.energy(x)), [...model.variables]);
    expect(Object.keys(grads)).toHaveLength(4);
    expectNoLeaks(() => {
      const r = energyAndGradient(model.energy, x);
      tf.dispose([r.energy, r.gradient]);
    }, 1000);
    tf.dispose([x, e, direct, ...Object.values(grads)]);
    net.dispose();
  });

  it('rejects models without one scalar output per sample', () => {
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    expect(() => layersEnergy(net)).toThrow(InvalidArgumentError);
    expect(() => layersEnergy(net)).toThrow(/model: must have one output of shape \[N, 1\].*tf\.layers\.dense\(\{ units: 1 \}\)/);
    expect(() => layersEnergy({} as tf.LayersModel)).toThrow(/model: must be a tf.LayersModel/);
    net.dispose();
  });
});
