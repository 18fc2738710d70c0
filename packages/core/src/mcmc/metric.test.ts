import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { inverseSPD } from '../math/linalg.js';
import { disposeState } from '../state.js';
import { describeBackends, expectCovariance, expectMeans } from '../testing/index.js';
import { assertMetric, cloneMetric, createMetric, kineticEnergy, massQuadraticForm, preconditionedNoise, sampleMomentum, velocity } from './metric.js';

const SIGMA = [
  [2, 0.6],
  [0.6, 0.5],
];

describeBackends('metric', () => {
  it('dense: velocity Sigma p, K = p^T Sigma p / 2, r^T Sigma^-1 r, momentum ~ N(0, Sigma^-1), noise ~ N(0, Sigma)', () => {
    const metric = createMetric(SIGMA, [2]);
    const p = tf.tensor2d([[1, 2], [-1, 0.5]]);
    const v = velocity(metric, p).arraySync() as number[][];
    expect(v[0]![0]).toBeCloseTo(2 * 1 + 0.6 * 2, 5);
    expect(v[0]![1]).toBeCloseTo(0.6 * 1 + 0.5 * 2, 5);
    const k = kineticEnergy(metric, p).arraySync();
    expect(k[0]).toBeCloseTo(0.5 * (1 * 3.2 + 2 * 1.6), 5);
    const mass = inverseSPD(SIGMA);
    const q = massQuadraticForm(metric, p).arraySync();
    expect(q[1]).toBeCloseTo(mass[0]![0]! * 1 - 2 * mass[0]![1]! * 0.5 + mass[1]![1]! * 0.25, 4);
    const momentum = sampleMomentum(prngKey(1), metric, [20_000, 2]);
    expectMeans(momentum, [0, 0]);
    expectCovariance(momentum, [0, 0], mass);
    const noise = preconditionedNoise(prngKey(2), metric, [20_000, 2]);
    expectCovariance(noise, [0, 0], SIGMA);
    tf.dispose([p, momentum, noise]);
    disposeState(metric);
  });

  it('diagonal and identity, on image-shaped events', () => {
    const metric = createMetric([4, 1, 0.25, 1], [2, 2, 1]);
    expect(metric.kind === 'diagonal' && metric.inverseMass.shape).toEqual([1, 2, 2, 1]);
    const p = tf.ones([3, 2, 2, 1]);
    expect(kineticEnergy(metric, p).arraySync()).toEqual([3.125, 3.125, 3.125]);
    const noise = preconditionedNoise(prngKey(3), metric, [20_000, 2, 2, 1]);
    // Flattened to [N, 4]: the statistics helpers read rank >= 3 samples as [draws, chains, ...event].
    const flat = tf.reshape(noise, [20_000, 4]);
    expectCovariance(flat, [0, 0, 0, 0], [[4, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0.25, 0], [0, 0, 0, 1]]);
    flat.dispose();
    const identity = createMetric(undefined, [2, 2, 1]);
    expect(identity).toEqual({ kind: 'identity' });
    expect(kineticEnergy(identity, p).arraySync()).toEqual([2, 2, 2]);
    expect(velocity(identity, p)).toBe(p);
    const copy = cloneMetric(metric);
    disposeState(metric);
    expect(() => assertMetric(metric, [3, 2, 2, 1], 'hmc')).toThrow(/^state.metric: is missing or disposed/);
    expect(() => assertMetric(copy, [3, 2, 2, 1], 'hmc')).not.toThrow();
    expect(() => assertMetric(copy, [3, 2], 'hmc')).toThrow(/was built for 1 x 2 x 2 x 1 coordinates, but a chain has 2/);
    tf.dispose([p, noise]);
    disposeState([identity, copy]);
  });

  it('rejects inverse masses of the wrong size, non-positive variances and non-SPD matrices, naming them', () => {
    expect(() => createMetric([1, 1, 1], [2])).toThrow(ShapeError);
    expect(() => createMetric([1, 0], [2])).toThrow(/^inverseMass\[1\]: must be a finite number > 0/);
    expect(() => createMetric([[1, 2], [2, 1]], [2])).toThrow(/^inverseMass: must be symmetric positive definite/);
    expect(() => createMetric([[1, 0.5], [0, 1]], [2])).toThrow(InvalidArgumentError);
    expect(() => createMetric([[1, 0.5], [0, 1]], [2])).toThrow(/symmetric/);
  });
});
