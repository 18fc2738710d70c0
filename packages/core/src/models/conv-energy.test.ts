import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from '../energy-gradient.js';
import { prngKey } from '../key.js';
import { normal, uniform } from '../random.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { ACTIVATIONS } from './activations.js';
import { convEnergy } from './conv-energy.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** The same network written with tf.conv2d and tfjs's own ops: the autodiff reference. */
function plainEnergy(variables: readonly tf.Variable[], convLayers: number, stride: number, hiddenLayers: number) {
  const swish = (a: tf.Tensor) => tf.mul(a, tf.sigmoid(a));
  return (x: tf.Tensor, vars: readonly tf.Tensor[] = variables): tf.Tensor1D => {
    let h = x;
    for (let l = 0; l < convLayers; l++) {
      const k = vars[2 * l]!.shape[0]!;
      const p = Math.floor(k / 2);
      h = swish(tf.add(tf.conv2d(h as tf.Tensor4D, vars[2 * l] as tf.Tensor4D, stride, [[0, 0], [p, p], [p, p], [0, 0]]), vars[2 * l + 1]!));
    }
    h = tf.reshape(h, [x.shape[0]!, -1]);
    for (let l = 0; l <= hiddenLayers; l++) {
      const a = tf.add(tf.matMul(h as tf.Tensor2D, vars[2 * (convLayers + l)] as tf.Tensor2D), vars[2 * (convLayers + l) + 1]!);
      h = l < hiddenLayers ? swish(a) : a;
    }
    return tf.reshape(h, [-1]) as tf.Tensor1D;
  };
}

describeBackends('convEnergy', () => {
  for (const activation of ACTIVATIONS) {
    it(`valueAndGrad agrees with tf.grad of the energy (${activation})`, () => {
      const model = convEnergy({ inputShape: [8, 8, 2], channels: [4, 6], hidden: [5], activation, key: prngKey(1) });
      const x = normal(prngKey(2), [3, 8, 8, 2]);
      const fast = model.energy.valueAndGrad!(x);
      const energies = model.energy(x);
      const taped = tf.grad((z: tf.Tensor) => tf.sum(model.energy(z)))(x);
      expect(fast.energy.shape).toEqual([3]);
      expect(maxAbsDiff(fast.energy, energies)).toBeLessThan(1e-4);
      expect(maxAbsDiff(fast.gradient, taped)).toBeLessThan(1e-4);
      tf.dispose([x, fast.energy, fast.gradient, energies, taped, ...model.variables]);
    });
  }

  it('the fast input gradient is differentiable w.r.t. the weights (second order, score matching)', () => {
    const model = convEnergy({ inputShape: [6, 6], channels: [3], hidden: [4], key: prngKey(3) });
    const x = normal(prngKey(4), [2, 6, 6]);
    const viaFast = tf.variableGrads(() => tf.sum(tf.square(model.energy.valueAndGrad!(x).gradient)) as tf.Scalar, [...model.variables]);
    const viaTape = tf.variableGrads(
      () => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(model.energy(z)))(x))) as tf.Scalar,
      [...model.variables],
    );
    // The output bias does not reach dE/dx: no gradient either way. Every other variable does.
    const outputBias = model.variables.at(-1)!.name;
    for (const v of model.variables) {
      if (v.name === outputBias) {
        expect([viaFast.grads[v.name], viaTape.grads[v.name]]).toEqual([undefined, undefined]);
      } else {
        expect(maxAbsDiff(viaFast.grads[v.name]!, viaTape.grads[v.name]!)).toBeLessThan(1e-4);
      }
    }
    tf.dispose([x, viaFast.value, viaTape.value, ...Object.values(viaFast.grads), ...Object.values(viaTape.grads), ...model.variables]);
  });

  it('trains on this backend: parameter gradients match central differences of the energy', () => {
    // tf.conv2d has no filter gradient on wasm; this energy must still give one.
    const model = convEnergy({ inputShape: [8, 8, 1], channels: [4], hidden: [], key: prngKey(5) });
    const x = uniform(prngKey(6), [4, 8, 8, 1], 0, 1);
    const loss = () => tf.mean(model.energy(x)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, [...model.variables]);
    // Directional derivative along a random direction, in float32 with a step of 1e-2 (the energy
    // is smooth; the central difference error is O(eps^2) ~ 1e-4 relative).
    const eps = 1e-2;
    const directions = model.variables.map((v, i) => normal(prngKey(10 + i), v.shape));
    const predicted = tf.tidy(() => tf.addN(model.variables.map((v, i) => tf.sum(tf.mul(grads[v.name]!, directions[i]!)))).dataSync()[0]!);
    const shifted = (sign: number) => {
      model.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(directions[i]!, sign * eps)))));
      const e = tf.tidy(() => loss().dataSync()[0]!);
      model.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.sub(v, tf.mul(directions[i]!, sign * eps)))));
      return e;
    };
    const numeric = (shifted(1) - shifted(-1)) / (2 * eps);
    expect(Math.abs(numeric - predicted)).toBeLessThan(2e-2 * Math.max(1, Math.abs(predicted)));
    tf.dispose([x, value, ...Object.values(grads), ...directions, ...model.variables]);
  });

  it('takes [N, H, W] and [N, H, W, 1] batches; variables are unique, ordered, and shaped as documented', () => {
    const model = convEnergy({ inputShape: [8, 8], channels: [4, 6], hidden: [5] });
    const other = convEnergy({ inputShape: [8, 8], channels: [4, 6], hidden: [5] });
    const x = tf.ones([3, 8, 8]);
    const { energy, gradient } = energyAndGradient(model.energy, x);
    expect(energy.shape).toEqual([3]);
    expect(gradient.shape).toEqual([3, 8, 8]);
    // 8x8 -> stride 2 -> 4x4x4 -> 2x2x6 -> 24 features -> 5 -> 1.
    expect(model.variables.map((v) => v.shape)).toEqual([[3, 3, 1, 4], [4], [3, 3, 4, 6], [6], [24, 5], [5], [5, 1], [1]]);
    const names = [...model.variables, ...other.variables].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    tf.dispose([x, energy, gradient, ...model.variables, ...other.variables]);
  });

  it('is deterministic given the key', () => {
    const a = convEnergy({ inputShape: [4, 4], channels: [2], key: prngKey(9) });
    const b = convEnergy({ inputShape: [4, 4], channels: [2], key: prngKey(9) });
    a.variables.forEach((v, i) => expect(v.arraySync()).toEqual(b.variables[i]!.arraySync()));
    tf.dispose([...a.variables, ...b.variables]);
  });

  it('leaks nothing over 300 energy+gradient evaluations', () => {
    const model = convEnergy({ inputShape: [8, 8, 1], channels: [2, 3] });
    const x = tf.ones([2, 8, 8, 1]);
    expectNoLeaks(() => {
      const { energy, gradient } = energyAndGradient(model.energy, x);
      tf.dispose([energy, gradient]);
    }, 300);
    tf.dispose([x, ...model.variables]);
  });

  it('rejects bad options and inputs naming the argument', () => {
    expect(() => convEnergy({ inputShape: [8] })).toThrow(/inputShape/);
    expect(() => convEnergy({ inputShape: [8, 8], channels: [] })).toThrow(/channels/);
    expect(() => convEnergy({ inputShape: [8, 8], channels: [4, 0] })).toThrow(/channels\[1\]/);
    expect(() => convEnergy({ inputShape: [8, 8], stride: 0 })).toThrow(/stride/);
    expect(() => convEnergy({ inputShape: [8, 8], activation: 'relu' as never })).toThrow(/activation/);
    const model = convEnergy({ inputShape: [8, 8, 1], channels: [2] });
    const x = tf.ones([2, 8, 8, 3]);
    expect(() => model.energy(x)).toThrow(/x: has per-sample shape \[8, 8, 3\]/);
    expect(() => model.energy.valueAndGrad!(x)).toThrow(/x: has per-sample shape \[8, 8, 3\]/);
    tf.dispose([x, ...model.variables]);
  });
});

// tfjs wasm cannot differentiate tf.conv2d with respect to its filter, so the reference runs on cpu.
describeBackends(
  'convEnergy against the same network on tf.conv2d (autodiff)',
  () => {
    it('equal energies, input gradients and parameter gradients', () => {
      const model = convEnergy({ inputShape: [9, 7, 2], channels: [4, 5], hidden: [6], key: prngKey(7) });
      const plain = plainEnergy(model.variables, 2, 2, 1);
      const x = normal(prngKey(8), [3, 9, 7, 2]);
      expect(maxAbsDiff(model.energy(x), plain(x))).toBeLessThan(1e-4);
      const ours = energyAndGradient(model.energy, x);
      const theirs = tf.grad((z: tf.Tensor) => tf.sum(plain(z)))(x);
      expect(maxAbsDiff(ours.gradient, theirs)).toBeLessThan(1e-4);
      const loss = (f: () => tf.Tensor1D) => () => tf.sum(tf.square(f())) as tf.Scalar;
      const oursParams = tf.variableGrads(loss(() => model.energy(x)), [...model.variables]);
      const theirsParams = tf.variableGrads(loss(() => plain(x)), [...model.variables]);
      for (const v of model.variables) expect(maxAbsDiff(oursParams.grads[v.name]!, theirsParams.grads[v.name]!)).toBeLessThan(1e-3);
      tf.dispose([x, ours.energy, ours.gradient, theirs, oursParams.value, theirsParams.value]);
      tf.dispose([...Object.values(oursParams.grads), ...Object.values(theirsParams.grads), ...model.variables]);
    });
  },
  ['cpu'],
);
