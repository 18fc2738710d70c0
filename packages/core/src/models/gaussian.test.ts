import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { cholesky, inverseSPD } from '../math/linalg.js';
import { gaussianEnergy } from './gaussian.js';

const PRECISION = [
  [2, 0.6],
  [0.6, 1],
];

describeBackends('gaussianEnergy', () => {
  it('computes 1/2 (x - mu)^T P (x - mu)', () => {
    const model = gaussianEnergy({ dim: 2, mean: [1, -1], precision: PRECISION });
    const x = tf.tensor2d([
      [1, -1],
      [2, 0],
      [0, 1],
    ]);
    const got = model.energy(x).arraySync() as number[];
    const expected = [
      [0, 0],
      [1, 1],
      [-1, 2],
    ].map(([a, b]) => 0.5 * (PRECISION[0]![0]! * a! * a! + 2 * PRECISION[0]![1]! * a! * b! + PRECISION[1]![1]! * b! * b!));
    got.forEach((e, i) => expect(e).toBeCloseTo(expected[i]!, 5));
    tf.dispose([x, ...model.variables]);
  });

  it('reports precision, covariance and log Z in closed form', () => {
    const model = gaussianEnergy({ dim: 2, precision: PRECISION });
    const p = model.precision();
    p.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(PRECISION[i]![j]!, 5)));
    const det = 2 * 1 - 0.6 * 0.6;
    expect(model.logPartition()).toBeCloseTo(Math.log(2 * Math.PI) - 0.5 * Math.log(det), 5);
    const c = model.covariance();
    expect(c[0]![0]).toBeCloseTo(1 / det, 5);
    expect(c[0]![1]).toBeCloseTo(-0.6 / det, 5);
    tf.dispose([...model.variables]);
  });

  it('keeps the precision factor lower-triangular under gradient steps', () => {
    const model = gaussianEnergy({ dim: 2 });
    const x = tf.tensor2d([[1, 2]]);
    const { grads } = tf.variableGrads(() => tf.mean(model.energy(x)), [...model.variables]);
    expect((grads[model.precisionFactor.name]!.arraySync() as number[][])[0]![1]).toBe(0);
    tf.dispose([x, ...Object.values(grads), ...model.variables]);
  });

  it('leaks nothing over 1000 energy evaluations', () => {
    const model = gaussianEnergy({ dim: 3 });
    const x = tf.ones([4, 3]);
    expectNoLeaks(() => tf.dispose(model.energy(x)), 1000);
    tf.dispose([x, ...model.variables]);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => gaussianEnergy({ dim: 0 })).toThrow(/dim: must be an integer >= 1/);
    expect(() => gaussianEnergy({ dim: 2, mean: [1] })).toThrow(ShapeError);
    expect(() => gaussianEnergy({ dim: 2, precision: [[1, 0]] })).toThrow(/precision/);
    expect(() => gaussianEnergy({ dim: 2, precision: [[1, 2], [2, 1]] })).toThrow(InvalidArgumentError);
    const model = gaussianEnergy({ dim: 2 });
    const wrong = tf.ones([4, 3]);
    expect(() => model.energy(wrong)).toThrow(/x: has per-sample shape \[3\] but the model expects \[2\]/);
    const rank1 = tf.ones([4]);
    expect(() => model.energy(rank1)).toThrow(/x: must have rank >= 2/);
    tf.dispose([wrong, rank1, ...model.variables]);
  });
});

it('cholesky and inverseSPD invert a known matrix', () => {
  const l = cholesky(PRECISION);
  expect(l[0]![1]).toBe(0);
  const inv = inverseSPD(PRECISION);
  const product = PRECISION.map((row) => [0, 1].map((j) => row[0]! * inv[0]![j]! + row[1]! * inv[1]![j]!));
  expect(product[0]![0]).toBeCloseTo(1, 12);
  expect(product[0]![1]).toBeCloseTo(0, 12);
  expect(product[1]![1]).toBeCloseTo(1, 12);
});

describeBackends('model construction', () => {
  it('leaves exactly its variables allocated, nothing else', () => {
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const model = gaussianEnergy({ dim: 3 });
    expect(tf.memory().numTensors - before).toBe(model.variables.length);
    tf.dispose([model.energy(x), ...model.variables]);
    expect(tf.memory().numTensors).toBe(before); // disposing the variables frees the whole model
    x.dispose();
  });
});
