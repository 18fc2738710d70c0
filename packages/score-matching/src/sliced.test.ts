import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ObjectiveStep, disposeState, foldIn, prngKey } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { scoreMatching } from './exact.js';
import { type SlicedScoreMatchingOptions, projectionVectors, slicedScoreMatching } from './sliced.js';
import { gaussianSamples } from './train.test-helper.js';

/** The two metrics, in the order {@link readStep} lists them after the loss. */
const METRICS = ['scoreNorm', 'hessianTrace'];

/** Loss, metrics and every gradient entry, flattened in variable order. */
function readStep(step: ObjectiveStep<unknown>, names: string[]): number[] {
  const values = [
    step.loss.dataSync()[0]!,
    ...METRICS.map((m) => step.metrics[m]!.dataSync()[0]!),
    ...names.flatMap((n) => Array.from(step.grads[n]!.dataSync())),
  ];
  tf.dispose([step.loss, step.grads, step.metrics]);
  return values;
}

/** The label of entry k of {@link readStep}'s list. */
function entryLabel(k: number): string {
  return k === 0 ? 'loss' : k <= METRICS.length ? `metric ${METRICS[k - 1]}` : `gradient entry ${k - 1 - METRICS.length}`;
}

/** Draws of the sliced estimate, one key each. */
const DRAWS = 48;
/** float32 rounding floor added to the standard error (the VR mean gradient has no sampling noise at all). */
const FLOAT_TOLERANCE = 1e-4;

describeBackends('slicedScoreMatching', () => {
  const configs: SlicedScoreMatchingOptions[] = [
    { distribution: 'rademacher' },
    { distribution: 'rademacher', varianceReduced: true },
    { distribution: 'gaussian', projections: 3 },
    { distribution: 'sphere', varianceReduced: true },
  ];
  for (const options of configs) {
    it(`matches exact score matching in expectation, loss, metrics and gradients (${JSON.stringify(options)})`, () => {
      const model = gaussianEnergy({ dim: 3, mean: [0.5, -1, 2], precision: [[2, 0.3, 0], [0.3, 1, -0.2], [0, -0.2, 0.5]] });
      const names = model.variables.map((v) => v.name);
      const x = gaussianSamples(prngKey(3), 16, [0, 0, 0], [[1, 0, 0], [0.5, 1, 0], [0, 0, 1]]);
      const exact = readStep(scoreMatching().gradients(model, x, null, prngKey(0)), names);
      const objective = slicedScoreMatching(options);
      const draws = Array.from({ length: DRAWS }, (_, r) => readStep(objective.gradients(model, x, null, foldIn(prngKey(11), r)), names));
      exact.forEach((value, k) => {
        const column = draws.map((d) => d[k]!);
        const mean = column.reduce((s, v) => s + v, 0) / DRAWS;
        const sd = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / (DRAWS - 1));
        const se = Math.hypot(sd / Math.sqrt(DRAWS), FLOAT_TOLERANCE * (1 + Math.abs(value)));
        expectWithinStandardErrors(mean, value, se, { label: entryLabel(k) });
      });
      x.dispose();
      disposeState(model.variables);
    });
  }

  it('draws projections with E[v v^T] = I for every distribution', () => {
    for (const distribution of ['rademacher', 'gaussian', 'sphere'] as const) {
      const v = projectionVectors(prngKey(5), distribution, 4000, 3);
      const second = tf.div(tf.matMul(tf.transpose(v), v), 4000).arraySync() as number[][];
      // Each entry averages 4000 products with variance <= 3 (Gaussian diagonal: 2): se <= 0.03.
      second.forEach((row, i) => row.forEach((m, j) => expectWithinStandardErrors(m, i === j ? 1 : 0, Math.sqrt(3 / 4000), { label: `${distribution} E[v v^T][${i}][${j}]` })));
      if (distribution !== 'gaussian') {
        const norms = tf.sum(tf.square(v), 1).dataSync();
        expect(Math.max(...norms.map((n) => Math.abs(n - 3)))).toBeLessThan(1e-4);
      }
      v.dispose();
    }
  });

  it('keeps the objective contract (no device read, device metrics, a gradient for every variable)', async () => {
    const model = gaussianEnergy({ dim: 2 });
    const x = gaussianSamples(prngKey(6), 4, [0, 0], [[1, 0], [0, 1]]);
    for (const options of configs) await expectObjectiveContract(slicedScoreMatching(options), { model, batch: x });
    x.dispose();
    disposeState(model.variables);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 1 });
    const objective = slicedScoreMatching({ projections: 2, distribution: 'gaussian' });
    const x = gaussianSamples(prngKey(6), 4, [0], [[1]]);
    expectObjectiveNoLeaks(objective, { model, batch: x, key: prngKey(7) });
    x.dispose();
    disposeState(model.variables);
  });
});

describe('slicedScoreMatching arguments', () => {
  it.each([
    [{ projections: 0 }, /projections/],
    [{ projections: 1.5 }, /projections/],
    [{ distribution: 'uniform' as never }, /distribution/],
    [{ varianceReduced: 'yes' as never }, /varianceReduced/],
  ])('rejects %j, naming the argument', (options, name) => {
    expect(() => slicedScoreMatching(options)).toThrow(InvalidArgumentError);
    expect(() => slicedScoreMatching(options)).toThrow(name);
  });
});
