import * as tf from '@tensorflow/tfjs';
import { type Key, disposeState, dualAveraging, prngKey, sampleChain, split, windowAdaptation } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { CORRELATED_GAUSSIAN_2D, describeBackends, expectCovariance, expectMeans, illConditionedGaussian, sampleTunedChain } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { MALA_TARGET_ACCEPTANCE, mala } from './mala.js';

const { mean: MEAN, covariance: COV } = CORRELATED_GAUSSIAN_2D;
const NUM_ADAPTATION_STEPS = 300;
/**
 * Allowance for the adaptation error of the averaged step size eps-bar (on top of the Monte Carlo
 * error of the measured acceptance). Near the target, MALA's acceptance on this 2-D Gaussian
 * changes by about -0.46 per unit of log(stepSize) (measured on wasm with 32 chains: 0.673, 0.573,
 * 0.470 at 0.8, 1 and 1.25 times eps-bar), and log eps-bar after 300 adaptation steps varied by
 * 0.010 (sd) over seeds 1-4 (eps-bar 0.341, 0.347, 0.341, 0.346). 0.025 is 5 sd of the resulting
 * acceptance error (0.0045).
 */
const ADAPTATION_ALLOWANCE = 0.025;

describeBackends('dualAveraging(mala)', () => {
  it('drives the acceptance to 0.574 and the tuned chain stays exact', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([32, 2]);
    // Start far too large (stepSize 2 accepts almost nothing) so the test sees the adaptation move.
    // The default target is the sampler's own (MALA 0.574).
    const sampler = dualAveraging(mala({ stepSize: 2 }), { numAdaptationSteps: NUM_ADAPTATION_STEPS });
    const { samples, finalState } = sampleTunedChain(sampler, {
      energy: model.energy,
      init,
      key: prngKey(20),
      numAdaptationSteps: NUM_ADAPTATION_STEPS,
      numSteps: 600,
      targetAcceptance: MALA_TARGET_ACCEPTANCE,
      allowance: ADAPTATION_ALLOWANCE,
    });
    expect(finalState.inner.step).toBe(NUM_ADAPTATION_STEPS + 600);
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, COV);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });
});

describeBackends('windowAdaptation(mala)', () => {
  it('learns a dense preconditioner for an ill-conditioned 6-D Gaussian and the tuned chain is exact', () => {
    const target = illConditionedGaussian(6, 100);
    const model = gaussianEnergy({ dim: 6, mean: target.mean, precision: inverseSPD(target.covariance) });
    const init = tf.zeros([16, 6]);
    const [adaptKey, sampleKey] = split(prngKey(21)) as [Key, Key];
    const warm = windowAdaptation(mala({ stepSize: 0.01 }), { energy: model.energy, init, key: adaptKey, numSteps: 500, mass: 'dense' });
    // The learned preconditioner is the target's covariance: measured variance ratios 0.95-0.98 on cpu
    // and wasm (the last slow window holds 200 x 16 draws); 0.15 is three times the largest deviation.
    const estimate = warm.inverseMass as number[][];
    target.covariance.forEach((row, i) => expect(Math.abs(estimate[i]![i]! / row[i]! - 1)).toBeLessThan(0.15));
    const { samples, finalState, acceptanceRate, diagnostics } = sampleChain(warm.sampler, { energy: model.energy, init: warm.position, key: sampleKey, numSteps: 600 });
    // Whitened, the target is N(0, I_6): dual averaging settles MALA near its 0.574 target.
    expect(acceptanceRate).toBeGreaterThan(0.4);
    expect(acceptanceRate).toBeLessThan(0.75);
    expect(diagnostics!.maxRhat).toBeLessThan(1.01);
    expectMeans(samples, target.mean);
    expectCovariance(samples, target.mean, target.covariance);
    tf.dispose([samples, init, warm.position, ...model.variables]);
    disposeState(finalState);
  });
});
