import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from '../energy-gradient.js';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import type { EnergyFn } from '../types.js';
import { type PhasePoint, leapfrog } from './leapfrog.js';
import { type Metric, createMetric, kineticEnergy } from './metric.js';

/** E(x) = 1/2 sum_d k_d x_d^2: a harmonic oscillator per coordinate, with stiffness k = [1, 4]. */
const STIFFNESS = [1, 4];
const oscillator: EnergyFn = (x) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(STIFFNESS), tf.square(x)), 1)) as tf.Tensor1D);

function startAt(position: tf.Tensor, momentum: tf.Tensor): PhasePoint {
  const { energy, gradient } = energyAndGradient(oscillator, position);
  return { position, momentum, energy, gradient };
}

const hamiltonian = (p: PhasePoint, metric: Metric) => tf.tidy(() => tf.add(p.energy, kineticEnergy(metric, p.momentum)).arraySync() as number[]);

describeBackends('leapfrog', () => {
  it('takes the velocity Verlet step: one step from (x, p) on E = x^2 / 2 by hand', () => {
    const start = startAt(tf.tensor2d([[1, 0]]), tf.tensor2d([[0.5, 1]]));
    const eps = 0.1;
    const metric = createMetric(undefined, [2]);
    const end = leapfrog(oscillator, start, { stepSize: eps, numSteps: 1, metric });
    // Coordinate 0 (k = 1): p_half = 0.5 - 0.05 * 1 = 0.45, x = 1 + 0.1 * 0.45 = 1.045, p = 0.45 - 0.05 * 1.045.
    // Coordinate 1 (k = 4): p_half = 1, x = 0.1, p = 1 - 0.05 * 4 * 0.1 = 0.98.
    const [x, p] = [end.position.arraySync() as number[][], end.momentum.arraySync() as number[][]];
    expect(x[0]![0]).toBeCloseTo(1.045, 6);
    expect(p[0]![0]).toBeCloseTo(0.45 - 0.05 * 1.045, 6);
    expect(x[0]![1]).toBeCloseTo(0.1, 6);
    expect(p[0]![1]).toBeCloseTo(0.98, 6);
    expect(end.energy.dataSync()[0]).toBeCloseTo(0.5 * 1.045 ** 2 + 2 * 0.1 ** 2, 5);
    tf.dispose([...Object.values(start), ...Object.values(end)]);
  });

  it('conserves H to O(eps^2), is reversible, and honours the mass and a per-chain (negative) step size', () => {
    const metric = createMetric([1, 0.25], [2]);
    const start = startAt(normal(prngKey(1), [64, 2]), normal(prngKey(2), [64, 2]));
    const drift = (eps: number) => {
      const end = leapfrog(oscillator, start, { stepSize: eps, numSteps: Math.round(2 / eps), metric });
      const h0 = hamiltonian(start, metric);
      const h1 = hamiltonian(end, metric);
      tf.dispose(Object.values(end));
      return Math.max(...h0.map((h, i) => Math.abs(h1[i]! - h)));
    };
    // Halving eps cuts the energy error about four-fold (second order).
    const coarse = drift(0.2);
    const fine = drift(0.1);
    expect(coarse).toBeLessThan(0.5);
    expect(coarse / fine).toBeGreaterThan(3);
    expect(coarse / fine).toBeLessThan(5);
    // Forward 10 steps, flip the momentum, 10 more: back at the start.
    const forward = leapfrog(oscillator, start, { stepSize: 0.1, numSteps: 10, metric });
    const flipped = { ...forward, momentum: tf.neg(forward.momentum) };
    const back = leapfrog(oscillator, flipped, { stepSize: 0.1, numSteps: 10, metric });
    const error = tf.tidy(() => tf.max(tf.abs(tf.sub(back.position, start.position))).dataSync()[0]!);
    expect(error).toBeLessThan(1e-4);
    // A [N, 1] step-size tensor of -0.1 integrates the flipped state backwards identically to +0.1 on the unflipped one.
    const negative = tf.fill([64, 1], -0.1);
    const backwards = leapfrog(oscillator, forward, { stepSize: negative, numSteps: 10, metric });
    const error2 = tf.tidy(() => tf.max(tf.abs(tf.sub(backwards.position, start.position))).dataSync()[0]!);
    expect(error2).toBeLessThan(1e-4);
    tf.dispose([...Object.values(start), ...Object.values(forward), flipped.momentum, ...Object.values(back), negative, ...Object.values(backwards)]);
    disposeState(metric);
  });

  it('leaves the start to the caller and holds O(1) tensors in L', () => {
    const start = startAt(tf.ones([4, 2]), tf.ones([4, 2]));
    const metric = createMetric([[1, 0.5], [0.5, 1]], [2]);
    expectNoLeaks(() => {
      const end = leapfrog(oscillator, start, { stepSize: 0.05, numSteps: 50, metric });
      tf.dispose(Object.values(end));
    }, 20);
    expect(Object.values(start).every((t) => !t.isDisposed)).toBe(true);
    expect(() => leapfrog(oscillator, start, { stepSize: 0.1, numSteps: 0, metric })).toThrow(/^numSteps:/);
    tf.dispose([...Object.values(start)]);
    disposeState(metric);
  });
});
