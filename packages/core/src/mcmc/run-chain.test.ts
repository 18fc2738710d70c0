import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { countDeviceReads } from '../device-reads.js';
import { type Key, foldIn, prngKey } from '../key.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import type { ChainState, Sampler, StepInfo } from '../types.js';
import { runChain } from './run-chain.js';

/** A random walk x' = x + xi that reports acceptanceRate = t-th step's index / 10 and a per-chain tensor. */
function countingWalk(): Sampler<ChainState & { readonly t: number }, StepInfo & { readonly perChain: tf.Tensor1D; readonly label: string }> {
  return {
    name: 'walk',
    init: (position) => ({ position: tf.clone(position), t: 0 }),
    step: (key: Key, state) => {
      const position = tf.tidy(() => tf.add(state.position, normal(key, state.position.shape)));
      const info = { acceptanceRate: tf.scalar(state.t / 10), perChain: tf.zeros([state.position.shape[0]!]) as tf.Tensor1D, label: 'x' };
      return [{ position, t: state.t + 1 }, info] as const;
    },
  };
}

const energy = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;

describeBackends('runChain', () => {
  it('averages scalar infos on the device, reads nothing, and disposes every intermediate state and info', async () => {
    const sampler = countingWalk();
    const init = tf.zeros([3, 2]);
    const state = sampler.init(init, energy);
    const before = tf.memory().numTensors;
    let result: ReturnType<typeof runChain<ChainState & { readonly t: number }, StepInfo>> | undefined;
    const reads = await countDeviceReads(() => {
      result = runChain(sampler, state, { energy, key: prngKey(0), numSteps: 5 });
    });
    expect(reads).toBe(0);
    expect(state.position.isDisposed).toBe(true);
    expect(result!.state.t).toBe(5);
    expect(Object.keys(result!.meanInfo)).toEqual(['acceptanceRate']);
    expect(result!.meanInfo.acceptanceRate!.dataSync()[0]).toBeCloseTo((0 + 1 + 2 + 3 + 4) / 50, 6);
    // The final position and one mean; the initial position was disposed.
    expect(tf.memory().numTensors).toBe(before + 1);
    disposeState([result!.state, result!.meanInfo]);
    init.dispose();
  });

  it('run in pieces with firstStep, draws exactly what one run draws', () => {
    const sampler = countingWalk();
    const init = tf.zeros([3, 2]);
    const whole = runChain(sampler, sampler.init(init, energy), { energy, key: prngKey(1), numSteps: 6 });
    const first = runChain(sampler, sampler.init(init, energy), { energy, key: prngKey(1), numSteps: 2 });
    const second = runChain(sampler, first.state, { energy, key: prngKey(1), numSteps: 4, firstStep: 2 });
    expect(second.state.position.arraySync()).toEqual(whole.state.position.arraySync());
    const steps: number[] = [];
    const onStep = runChain(sampler, sampler.init(init, energy), { energy, key: prngKey(2), numSteps: 3, firstStep: 4, onStep: (step) => steps.push(step) });
    expect(steps).toEqual([4, 5, 6]);
    disposeState([whole, first.meanInfo, second, onStep]);
    init.dispose();
  });

  it('with numSteps 0 returns the state it was given', () => {
    const sampler = countingWalk();
    const init = tf.zeros([3, 2]);
    const state = sampler.init(init, energy);
    const result = runChain(sampler, state, { energy, key: prngKey(0), numSteps: 0 });
    expect(result.state).toBe(state);
    expect(result.meanInfo).toEqual({});
    disposeState(state);
    init.dispose();
  });

  it('leaks nothing over 1000 steps', () => {
    const sampler = countingWalk();
    const init = tf.zeros([3, 2]);
    expectNoLeaks((i) => {
      const result = runChain(sampler, sampler.init(init, energy), { energy, key: foldIn(prngKey(3), i), numSteps: 1000 });
      disposeState(result);
    }, 1, { warmup: 1 });
    init.dispose();
  });
});
