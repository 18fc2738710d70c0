import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from '../energy-gradient.js';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { ACTIVATIONS, activationOps } from './activations.js';
import { dense, matMulTransposed } from './dense.js';
import { mlpEnergy } from './mlp.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describeBackends('dense layer with untransposed gradients', () => {
  it('matches the gradients of plain matMul + add', () => {
    const x = normal(prngKey(1), [5, 3]) as tf.Tensor2D;
    const w = normal(prngKey(2), [3, 4]) as tf.Tensor2D;
    const b = normal(prngKey(3), [4]) as tf.Tensor1D;
    const loss = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.square(tf.sin(f(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D))));
    const ours = tf.grads(loss(dense))([x, w, b]);
    const naive = tf.grads(loss((xs, ws, bs) => tf.add(tf.matMul(xs, ws), bs)))([x, w, b]);
    ours.forEach((g, i) => expect(maxAbsDiff(g, naive[i]!)).toBeLessThan(1e-4));
    tf.dispose([x, w, b, ...ours, ...naive]);
  });

  it('matMulTransposed equals a b^T and has the gradients and second derivatives of tf.matMul(a, b, false, true)', () => {
    const a = normal(prngKey(4), [5, 3]) as tf.Tensor2D;
    const b = normal(prngKey(5), [4, 3]) as tf.Tensor2D;
    const naiveOp = (as: tf.Tensor2D, bs: tf.Tensor2D) => tf.matMul(as, bs, false, true);
    expect(maxAbsDiff(matMulTransposed(a, b), naiveOp(a, b))).toBeLessThan(1e-5);
    const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => (as: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.square(tf.sin(f(as as tf.Tensor2D, bs as tf.Tensor2D))));
    const ours = tf.grads(loss(matMulTransposed))([a, b]);
    const naive = tf.grads(loss(naiveOp))([a, b]);
    ours.forEach((g, i) => expect(maxAbsDiff(g, naive[i]!)).toBeLessThan(1e-4));
    // Second order: d/db of sum((d loss / da)^2).
    const second = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) =>
      tf.grad((bs: tf.Tensor) => tf.sum(tf.square(tf.grads(loss(f))([a, bs])[0]!)))(b);
    expect(tf.tidy(() => maxAbsDiff(second(matMulTransposed), second(naiveOp)))).toBeLessThan(1e-3);
    tf.dispose([a, b, ...ours, ...naive]);
  });
});

describeBackends('mlpEnergy', () => {
  for (const activation of ACTIVATIONS) {
    it(`valueAndGrad agrees with tf.grad (${activation})`, () => {
      const model = mlpEnergy({ inputShape: [3], hidden: [8, 6], activation, key: prngKey(4) });
      const x = normal(prngKey(5), [7, 3]);
      const fast = model.energy.valueAndGrad!(x);
      const energies = model.energy(x);
      const naive = tf.grad((z: tf.Tensor) => tf.sum(model.energy(z)))(x);
      expect(fast.energy.shape).toEqual([7]);
      expect(maxAbsDiff(fast.energy, energies)).toBeLessThan(1e-4);
      expect(maxAbsDiff(fast.gradient, naive)).toBeLessThan(1e-4);
      tf.dispose([x, fast.energy, fast.gradient, energies, naive, ...model.variables]);
    });
  }

  it('the fast input gradient is differentiable w.r.t. the weights (second order, score matching)', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [5], key: prngKey(6) });
    const x = normal(prngKey(7), [4, 2]);
    const viaFast = tf.variableGrads(() => tf.sum(tf.square(model.energy.valueAndGrad!(x).gradient)), [...model.variables]);
    const viaTape = tf.variableGrads(
      () => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(model.energy(z)))(x))),
      [...model.variables],
    );
    for (const v of model.variables.slice(0, 2)) {
      expect(maxAbsDiff(viaFast.grads[v.name]!, viaTape.grads[v.name]!)).toBeLessThan(1e-4);
    }
    tf.dispose([x, viaFast.value, viaTape.value, ...Object.values(viaFast.grads), ...Object.values(viaTape.grads), ...model.variables]);
  });

  it('flattens image-shaped input and has unique, ordered variables', () => {
    const model = mlpEnergy({ inputShape: [2, 2, 1], hidden: [4] });
    const other = mlpEnergy({ inputShape: [2, 2, 1], hidden: [4] });
    const x = tf.ones([3, 2, 2, 1]);
    const { energy, gradient } = energyAndGradient(model.energy, x);
    expect(energy.shape).toEqual([3]);
    expect(gradient.shape).toEqual([3, 2, 2, 1]);
    expect(model.variables.map((v) => v.shape)).toEqual([[4, 4], [4], [4, 1], [1]]);
    const names = [...model.variables, ...other.variables].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    tf.dispose([x, energy, gradient, ...model.variables, ...other.variables]);
  });

  it('is deterministic given the key', () => {
    const a = mlpEnergy({ inputShape: [2], hidden: [3], key: prngKey(9) });
    const b = mlpEnergy({ inputShape: [2], hidden: [3], key: prngKey(9) });
    expect(a.variables[0]!.arraySync()).toEqual(b.variables[0]!.arraySync());
    tf.dispose([...a.variables, ...b.variables]);
  });

  it('leaks nothing over 1000 energy+gradient evaluations', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [8, 8] });
    const x = tf.ones([4, 2]);
    expectNoLeaks(() => {
      const { energy, gradient } = energyAndGradient(model.energy, x);
      tf.dispose([energy, gradient]);
    }, 1000);
    tf.dispose([x, ...model.variables]);
  });

  it('rejects bad options and inputs naming the argument', () => {
    expect(() => mlpEnergy({ inputShape: [0] })).toThrow(/inputShape\[0\]/);
    expect(() => mlpEnergy({ inputShape: [2], hidden: [4, -1] })).toThrow(/hidden\[1\]/);
    expect(() => mlpEnergy({ inputShape: [2], activation: 'relu' as never })).toThrow(/activation: must be one of 'swish', 'tanh', 'leakyRelu'/);
    const model = mlpEnergy({ inputShape: [2], hidden: [3] });
    const x = tf.ones([4, 5]);
    expect(() => model.energy(x)).toThrow(/x: has per-sample shape \[5\]/);
    expect(() => model.energy.valueAndGrad!(x)).toThrow(/x: has per-sample shape \[5\]/);
    tf.dispose([x, ...model.variables]);
  });
});

describeBackends('mlpEnergy without hidden layers', () => {
  it('has the constant input gradient w_out for every sample', () => {
    const model = mlpEnergy({ inputShape: [3], hidden: [], key: prngKey(2) });
    const x = normal(prngKey(3), [4, 3]);
    const fast = model.energy.valueAndGrad!(x);
    const naive = tf.grad((z: tf.Tensor) => tf.sum(model.energy(z)))(x);
    expect(fast.gradient.shape).toEqual([4, 3]);
    expect(maxAbsDiff(fast.gradient, naive)).toBeLessThan(1e-5);
    tf.dispose([x, fast.energy, fast.gradient, naive, ...model.variables]);
  });
});

describeBackends('mlpEnergy construction', () => {
  it('leaves exactly its variables allocated, nothing else', () => {
    const before = tf.memory().numTensors;
    const model = mlpEnergy({ inputShape: [2], hidden: [4, 4] });
    expect(tf.memory().numTensors - before).toBe(model.variables.length);
    tf.dispose([...model.variables]);
  });
});

/**
 * The MLP written with plain ops, for a tape reference of second derivatives. leakyRelu is written
 * `0.2 a + 0.8 relu(a)`: tf.leakyRelu's own gradient uses tf.greater, which has no gradient, so
 * the tape cannot differentiate it twice.
 */
function referenceEnergy(variables: readonly tf.Variable[], activation: (typeof ACTIVATIONS)[number]) {
  const f = (a: tf.Tensor) =>
    activation === 'leakyRelu' ? tf.add(tf.mul(0.2, a), tf.mul(0.8, tf.relu(a))) : activationOps[activation].apply(a);
  return (x: tf.Tensor) => {
    let h = x;
    for (let l = 0; l < variables.length; l += 2) {
      const a = tf.add(tf.matMul(h, variables[l]!), variables[l + 1]!);
      h = l + 2 < variables.length ? f(a) : a;
    }
    return tf.reshape(h, [-1]);
  };
}

describeBackends('mlpEnergy fast input gradient vs the tape, all weights', () => {
  for (const activation of ACTIVATIONS) {
    it(`d/dtheta sum((dE/dx)^2) agrees for every variable (${activation})`, () => {
      const model = mlpEnergy({ inputShape: [2], hidden: [6, 5], activation, key: prngKey(8) });
      const reference = referenceEnergy(model.variables, activation);
      const x = normal(prngKey(9), [9, 2]);
      const viaFast = tf.variableGrads(() => tf.sum(tf.square(model.energy.valueAndGrad!(x).gradient)), [...model.variables]);
      const viaTape = tf.variableGrads(
        () => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(reference(z)))(x))),
        [...model.variables],
      );
      expect(maxAbsDiff(viaFast.value, viaTape.value)).toBeLessThan(1e-4);
      for (const v of model.variables) {
        // The last bias does not enter dE/dx: both gradients are zero (or absent on the tape).
        const tape = viaTape.grads[v.name] ?? tf.zerosLike(v);
        expect(maxAbsDiff(viaFast.grads[v.name] ?? tf.zerosLike(v), tape)).toBeLessThan(1e-4);
      }
      tf.dispose([x, viaFast.value, viaTape.value, ...Object.values(viaFast.grads), ...Object.values(viaTape.grads), ...model.variables]);
    });
  }

  it('a Hessian-vector product through the fast gradient is differentiable w.r.t. the weights (exact score matching)', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [6, 5], key: prngKey(10) });
    const x = normal(prngKey(11), [5, 2]);
    const v = normal(prngKey(12), [5, 2]);
    // loss = sum_i v_i^T H(x_i) v_i, with H v = d/dx (dE/dx . v).
    const hvpLoss = (gradient: (z: tf.Tensor) => tf.Tensor) => () =>
      tf.sum(tf.mul(v, tf.grad((z: tf.Tensor) => tf.sum(tf.mul(gradient(z), v)))(x))) as tf.Scalar;
    const viaFast = tf.variableGrads(hvpLoss((z) => model.energy.valueAndGrad!(z).gradient), [...model.variables]);
    const viaTape = tf.variableGrads(hvpLoss((z) => tf.grad((y: tf.Tensor) => tf.sum(model.energy(y)))(z)), [...model.variables]);
    expect(maxAbsDiff(viaFast.value, viaTape.value)).toBeLessThan(1e-4);
    for (const w of model.variables.slice(0, 4)) {
      expect(maxAbsDiff(viaFast.grads[w.name]!, viaTape.grads[w.name]!)).toBeLessThan(1e-4);
    }
    tf.dispose([x, v, viaFast.value, viaTape.value, ...Object.values(viaFast.grads), ...Object.values(viaTape.grads), ...model.variables]);
  });
});
