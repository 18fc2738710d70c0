import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { foldIn, prngKey } from '../key.js';
import { disposeState } from '../state.js';
import { describeBackends, expectSamplerNoLeaks } from '../testing/index.js';
import type { ChainState, Sampler, StepInfo, TunableSampler } from '../types.js';
import { dualAveraging } from './dual-averaging.js';
import { sampleChain } from './sample-chain.js';

/**
 * A stub tunable sampler whose acceptance rate is a known decreasing function of the step size,
 * alpha(eps) = exp(-eps), as for a real MH kernel; it keeps the position. The step size that
 * reaches a target delta is eps* = -log(delta).
 */
function stub(stepSize: number, report = true, targetAcceptance = 0.5): TunableSampler<ChainState, StepInfo> {
  return {
    name: 'stub',
    stepSize,
    targetAcceptance,
    withStepSize: (s) => stub(s, report, targetAcceptance),
    init: (position) => ({ position: tf.clone(position) }),
    step: (_key, state) => [{ position: tf.clone(state.position) }, report ? { acceptanceRate: tf.scalar(Math.exp(-stepSize)) } : {}],
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
    // The stub reports alpha_1 = exp(-eps0) as a float32 scalar.
    const hBar = (delta - Math.fround(Math.exp(-eps0))) / 11;
    expect(next.hBar).toBeCloseTo(hBar, 12);
    expect(next.logStepSize).toBeCloseTo(Math.log(10 * eps0) - hBar / 0.05, 12);
    expect(next.logAveragedStepSize).toBeCloseTo(next.logStepSize, 12);
    expect(next.iteration).toBe(1);
    tf.dispose(init);
    disposeState([state, next, info]);
  });

  // The random-walk, MALA and HMC targets, each the stub's own targetAcceptance (the default).
  for (const delta of [0.234, 0.574, 0.65]) {
    it(`drives the acceptance to the sampler's target ${delta} and then freezes the averaged step size`, () => {
      const numAdaptationSteps = 2000;
      const sampler = dualAveraging(stub(0.05, true, delta), { numAdaptationSteps });
      const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
      const init = tf.zeros([2, 1]);
      let state = sampler.init(init, energy);
      const infos: { stepSize: number; adapting: boolean }[] = [];
      for (let t = 0; t < numAdaptationSteps + 5; t++) {
        const [next, info] = sampler.step(foldIn(prngKey(1), t), state, energy);
        disposeState([state, info]);
        state = next;
        infos.push({ stepSize: info.stepSize, adapting: info.adapting });
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
    disposeState([state, next, info]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const sampler = dualAveraging(stub(0.1), { targetAcceptance: 0.5, numAdaptationSteps: 500 });
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const init = tf.zeros([3, 2]);
    expectSamplerNoLeaks(sampler, { energy, init, key: prngKey(2) });
    init.dispose();
  });

  it('exposes the tuned sampler, and sampleChain refuses a burn-in that would keep adapting draws', () => {
    const sampler = dualAveraging(stub(0.05, true, 0.5), { numAdaptationSteps: 200 });
    expect(sampler.warmupSteps).toBe(200);
    const energy = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const init = tf.zeros([2, 1]);
    expect(() => sampleChain(sampler, { energy, init, key: prngKey(5), burnIn: 100, numSteps: 10 })).toThrow(
      /^burnIn: \(100\) is shorter than the 200 adapting steps of dualAveraging\(stub\)/,
    );
    const { finalState, samples } = sampleChain(sampler, { energy, init, key: prngKey(5), burnIn: 200, numSteps: 1 });
    const tuned = sampler.tuned(finalState);
    expect(tuned.stepSize).toBe(finalState.stepSize);
    expect(finalState.stepSize).toBeCloseTo(Math.exp(finalState.logAveragedStepSize), 12);
    // The stub's acceptance exp(-eps) reaches 0.5 at eps = log 2.
    expect(Math.abs(tuned.stepSize / Math.LN2 - 1)).toBeLessThan(0.05);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('refuses at construction a sampler it cannot tune (no withStepSize / targetAcceptance)', () => {
    const untunable: Sampler = { name: 'langevin', init: (position) => ({ position: tf.clone(position) }), step: (_key, state) => [{ position: tf.clone(state.position) }, {}] };
    expect(() => dualAveraging(untunable as TunableSampler)).toThrow(InvalidArgumentError);
    expect(() => dualAveraging(untunable as TunableSampler)).toThrow(/^sampler: langevin cannot be tuned by dual averaging/);
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
