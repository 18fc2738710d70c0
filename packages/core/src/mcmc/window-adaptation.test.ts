import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { type Key, prngKey } from '../key.js';
import { cholesky } from '../math/linalg.js';
import { normal } from '../random.js';
import { describeBackends, expectWithinStandardErrors } from '../testing/index.js';
import type { AdaptableSampler, ChainState, StepInfo } from '../types.js';
import type { InverseMass } from './metric.js';
import { slowWindows, windowAdaptation } from './window-adaptation.js';

const TRUE_COVARIANCE = [
  [4, 1.2],
  [1.2, 0.5],
];
const TRUE_MEAN = [1, -2];

/**
 * An adaptable stub that draws every position iid from N(TRUE_MEAN, TRUE_COVARIANCE) whatever its
 * state, and reports acceptance exp(-stepSize): the windows' covariance estimate is then an iid
 * sample covariance, and dual averaging's root is eps* = -log(target).
 */
function iidSampler(stepSize: number, inverseMass?: InverseMass, log: InverseMass[] = []): AdaptableSampler<ChainState, StepInfo> & { log: InverseMass[] } {
  const factor = cholesky(TRUE_COVARIANCE);
  return {
    name: 'iid',
    stepSize,
    inverseMass,
    targetAcceptance: 0.5,
    log,
    withStepSize: (s) => iidSampler(s, inverseMass, log),
    withInverseMass: (m) => {
      log.push(m);
      return iidSampler(stepSize, m, log);
    },
    init: (position) => ({ position: tf.clone(position) }),
    step: (key: Key, state) => {
      const position = tf.tidy(() => tf.add(tf.matMul(normal(key, [state.position.shape[0]!, 2]), tf.transpose(tf.tensor2d(factor))), TRUE_MEAN));
      return [{ position }, { acceptanceRate: tf.scalar(Math.exp(-stepSize)) }] as const;
    },
  };
}

describe('slowWindows', () => {
  it("is Stan's schedule: 75 fast, doubling slow windows from 25, the last stretched to the final 50", () => {
    expect(slowWindows(1000)).toEqual([
      { start: 75, end: 100 },
      { start: 100, end: 150 },
      { start: 150, end: 250 },
      { start: 250, end: 450 },
      { start: 450, end: 950 },
    ]);
    // Too short for the defaults: 15% and 10% buffers and one window between.
    expect(slowWindows(100)).toEqual([{ start: 15, end: 90 }]);
  });
});

describeBackends('windowAdaptation', () => {
  for (const mass of ['dense', 'diagonal'] as const) {
    it(`estimates the ${mass} inverse mass from the last slow window and tunes the step size`, () => {
      const init = tf.zeros([16, 2]);
      const log: InverseMass[] = [];
      const before = tf.memory().numTensors;
      const result = windowAdaptation(iidSampler(0.1, undefined, log), { energy: (x) => tf.zeros([x.shape[0]!]) as tf.Tensor1D, init, key: prngKey(3), numSteps: 1000, mass });
      // One estimate per slow window; the last uses steps [450, 950): n = 500 x 16 iid draws.
      expect(log).toHaveLength(5);
      const n = 500 * 16;
      const shrink = n / (n + 5);
      const estimate = result.inverseMass!;
      const entry = (i: number, j: number) => (mass === 'dense' ? (estimate as number[][])[i]![j]! : i === j ? (estimate as number[])[i]! : 0);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          if (mass === 'diagonal' && i !== j) continue;
          const sigma = TRUE_COVARIANCE;
          // Var of a sample covariance entry: (s_ii s_jj + s_ij^2) / n.
          const se = Math.sqrt((sigma[i]![i]! * sigma[j]![j]! + sigma[i]![j]! ** 2) / n);
          expectWithinStandardErrors(entry(i, j), shrink * sigma[i]![j]! + (i === j ? 1e-3 * (5 / (n + 5)) : 0), se, { label: `Sigma[${i}][${j}]` });
        }
      }
      // Dual averaging's root is eps* = -log(0.5) = 0.693. With the stub's deterministic acceptance
      // exp(-eps), the 50 steps after the last restart leave eps-bar at 0.708 (measured on cpu and
      // wasm; the early iterates' pull on the average): 2% off, inside the 5% allowed.
      expect(Math.abs(result.stepSize / Math.LN2 - 1)).toBeLessThan(0.05);
      expect(result.sampler.stepSize).toBe(result.stepSize);
      expect(tf.memory().numTensors).toBe(before + 1); // the returned position
      tf.dispose([init, result.position]);
    });
  }

  it('with mass "none" only tunes the step size, and refuses what it cannot adapt', () => {
    const init = tf.zeros([4, 2]);
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const log: InverseMass[] = [];
    const result = windowAdaptation(iidSampler(1, undefined, log), { energy, init, key: prngKey(4), numSteps: 200, mass: 'none' });
    expect(log).toHaveLength(0);
    expect(result.inverseMass).toBeUndefined();
    const { withInverseMass: _ignored, ...tunableOnly } = iidSampler(1);
    expect(() => windowAdaptation(tunableOnly, { energy, init, key: prngKey(4), numSteps: 100 })).toThrow(/^mass: 'diagonal' needs a sampler with withInverseMass/);
    expect(() => windowAdaptation({ name: 'x' } as never, { energy, init, key: prngKey(4) })).toThrow(InvalidArgumentError);
    expect(() => windowAdaptation(iidSampler(1), { energy, init, key: prngKey(4), mass: 'full' as never })).toThrow(/^mass:/);
    expect(() => windowAdaptation(iidSampler(1), { energy, init, key: prngKey(4), numSteps: 10 })).toThrow(/^numSteps: must be an integer >= 20/);
    expect(() => windowAdaptation(iidSampler(1), { energy, init, key: prngKey(4), windowSize: 0 })).toThrow(/^windowSize:/);
    expect(() => windowAdaptation(iidSampler(1), { energy, init, key: prngKey(4), initialBuffer: -1 })).toThrow(/^initialBuffer:/);
    tf.dispose([init, result.position]);
  });
});
