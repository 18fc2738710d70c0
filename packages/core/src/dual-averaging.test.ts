import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { HMC_TARGET_ACCEPTANCE, MALA_TARGET_ACCEPTANCE, RWM_TARGET_ACCEPTANCE, dualAveraging } from './dual-averaging.js';
import { InvalidArgumentError } from './errors.js';
import { foldIn, prngKey } from './key.js';
import { disposeState } from './state.js';
import { describeBackends, expectSamplerNoLeaks } from './testing/index.js';
import type { ChainState, StepInfo, TunableSampler } from './types.js';

/**
 * A stub tunable sampler whose acceptance rate is a known decreasing function of the step size,
 * alpha(eps) = exp(-eps), as for a real MH kernel; it keeps the position. The step size that
 * reaches a target delta is eps* = -log(delta).
 */
function stub(stepSize: number, report = true): TunableSampler<ChainState, StepInfo> {
  return {
    name: 'stub',
    stepSize,
    withStepSize: (s) => stub(s, report),
    init: (position) => ({ position: tf.clone(position) }),
    step: (_key, state) => [{ position: tf.clone(state.position) }, report ? { acceptanceRate: Math.exp(-stepSize) } : {}],
  };
}

describeBackends('dualAveraging', () => {
  it('follows Hoffman & Gelman Algorithm 5 on the first step', () => {
    const delta = 0.65;
    const eps0 = 0.5;
    const sampler = dualAveraging(stub(eps0), { targetAcceptance: delta });
    const init = tf.zeros([2, 1]);
    const state = sampler.init(init, (x) => tf.zeros([x.shape[0]!]) as tf.Tensor1D);
    const [next, info] = sampler.step(prngKey(0), state, (x) => tf.zeros([x.shape[0]!]) as tf.Tensor1D);
    expect(info.stepSize).toBe(eps0);
    expect(info.adapting).toBe(true);
    // m = 1: H-bar_1 = (delta - alpha_1) / (1 + t0), log eps_1 = mu - H-bar_1 / gamma, eps-bar_1 = eps_1.
    const hBar = (delta - Math.exp(-eps0)) / 11;
    expect(next.hBar).toBeCloseTo(hBar, 12);
    expect(next.logStepSize).toBeCloseTo(Math.log(10 * eps0) - hBar / 0.05, 12);
    expect(next.logAveragedStepSize).toBeCloseTo(next.logStepSize, 12);
    expect(next.iteration).toBe(1);
    tf.dispose(init);
    disposeState(state);
    disposeState(next);
  });

  for (const delta of [RWM_TARGET_ACCEPTANCE, MALA_TARGET_ACCEPTANCE, HMC_TARGET_ACCEPTANCE]) {
    it(`drives the acceptance to ${delta} and then freezes the averaged step size`, () => {
      const numAdaptationSteps = 2000;
      const sampler = dualAveraging(stub(0.05), { targetAcceptance: delta, numAdaptationSteps });
      const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
      const init = tf.zeros([2, 1]);
      let state = sampler.init(init, energy);
      const infos: { stepSize: number; adapting: boolean; acceptanceRate?: number }[] = [];
      for (let t = 0; t < numAdaptationSteps + 5; t++) {
        const [next, info] = sampler.step(foldIn(prngKey(1), t), state, energy);
        disposeState(state);
        state = next;
        infos.push(info);
      }
      const tuned = Math.exp(state.logAveragedStepSize);
      // The deterministic stub has alpha(eps) = exp(-eps): the averaged step must sit at eps* = -log(delta)
      // up to the O(1/sqrt(M)) bias of dual averaging; at M = 2000 that is well below 2% here.
      expect(Math.abs(tuned / -Math.log(delta) - 1)).toBeLessThan(0.02);
      const after = infos.slice(numAdaptationSteps);
      expect(after.every((i) => !i.adapting && i.stepSize === tuned)).toBe(true);
      expect(infos[numAdaptationSteps - 1]!.adapting).toBe(true);
      tf.dispose(init);
      disposeState(state);
    });
  }

  it('without adaptation steps runs at the initial step size', () => {
    const sampler = dualAveraging(stub(0.3), { targetAcceptance: 0.5, numAdaptationSteps: 0 });
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const init = tf.zeros([1, 1]);
    const state = sampler.init(init, energy);
    const [next, info] = sampler.step(prngKey(4), state, energy);
    expect(info.adapting).toBe(false);
    expect(info.stepSize).toBeCloseTo(0.3, 12);
    tf.dispose(init);
    disposeState([state, next]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const sampler = dualAveraging(stub(0.1), { targetAcceptance: 0.5, numAdaptationSteps: 500 });
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const init = tf.zeros([3, 2]);
    expectSamplerNoLeaks(sampler, { energy, init, key: prngKey(2) });
    init.dispose();
  });

  it('rejects bad options and samplers without an acceptance rate', () => {
    for (const targetAcceptance of [0, 1, 1.5, -0.1, Number.NaN]) {
      expect(() => dualAveraging(stub(0.1), { targetAcceptance })).toThrow(InvalidArgumentError);
      expect(() => dualAveraging(stub(0.1), { targetAcceptance })).toThrow(/targetAcceptance.*\(0, 1\)/);
    }
    expect(() => dualAveraging(stub(0.1), { targetAcceptance: 0.5, kappa: 0.5 })).toThrow(/kappa/);
    expect(() => dualAveraging(stub(0.1), { targetAcceptance: 0.5, gamma: 0 })).toThrow(/gamma/);
    expect(() => dualAveraging(stub(0.1), { targetAcceptance: 0.5, initialStepSize: -1 })).toThrow(/initialStepSize/);
    expect(() => dualAveraging(stub(0.1), { targetAcceptance: 0.5, numAdaptationSteps: 1.5 })).toThrow(/numAdaptationSteps/);
    const silent = dualAveraging(stub(0.1, false), { targetAcceptance: 0.5 });
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const init = tf.zeros([1, 1]);
    const state = silent.init(init, energy);
    const before = tf.memory().numTensors;
    expect(() => silent.step(prngKey(3), state, energy)).toThrow(/sampler.*acceptanceRate/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(init);
    disposeState(state);
  });
});
