import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { countDeviceReads } from '../device-reads.js';
import { type Key, prngKey } from '../key.js';
import { normal } from '../random.js';
import { sampleChain, sampleChainAsync } from './sample-chain.js';
import { disposeState } from '../state.js';
import { describeBackends, expectMeans, expectNoLeaks } from '../testing/index.js';
import type { ChainState, Sampler, StepInfo } from '../types.js';

/** An exact kernel for N(0, I): x' = rho x + sqrt(1 - rho^2) xi. Its ESS is n (1 - rho) / (1 + rho). */
function ar1Sampler(rho: number): Sampler<ChainState, StepInfo> {
  return {
    name: 'ar1',
    init: (position) => ({ position: tf.clone(position) }),
    step: (key: Key, state) => {
      const position = tf.tidy(() => tf.add(tf.mul(rho, state.position), tf.mul(Math.sqrt(1 - rho * rho), normal(key, state.position.shape))));
      return [{ position }, { acceptanceRate: tf.scalar(0.5) }] as const;
    },
  };
}

describeBackends('sampleChain', () => {
  it('burns in, thins, collects [kept, chains, ...event] and reports the mean step info', () => {
    const init = tf.zeros([8, 3]);
    let calls = 0;
    const { samples, finalState, meanInfo, acceptanceRate } = sampleChain(ar1Sampler(0.5), {
      energy: (x) => tf.sum(tf.square(x), 1) as tf.Tensor1D,
      init,
      key: prngKey(1),
      burnIn: 10,
      numSteps: 30,
      thin: 3,
      onStep: () => calls++,
    });
    expect(samples.shape).toEqual([10, 8, 3]);
    expect(calls).toBe(40);
    expect(acceptanceRate).toBe(0.5);
    expect(meanInfo).toEqual({ acceptanceRate: 0.5 });
    // The last kept sample is the final state (30 is a multiple of thin).
    const last = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.gather(samples, 9), finalState.position))).dataSync()[0]);
    expect(last).toBe(0);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('is deterministic given the key', () => {
    const run = () => {
      const init = tf.zeros([4, 2]);
      const r = sampleChain(ar1Sampler(0.3), { energy: (x) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(5), numSteps: 5 });
      const values = r.samples.arraySync();
      tf.dispose([init, r.samples]);
      disposeState(r.finalState);
      return values;
    };
    expect(run()).toEqual(run());
  });

  it('reports ESS near theory and R-hat near 1, and the samples pass the mean test', () => {
    const rho = 0.8;
    const init = normal(prngKey(2), [16, 2]);
    const { samples, finalState, diagnostics } = sampleChain(ar1Sampler(rho), {
      energy: (x) => tf.sum(x, 1) as tf.Tensor1D,
      init,
      key: prngKey(3),
      numSteps: 1000,
    });
    const theory = (16 * 1000 * (1 - rho)) / (1 + rho);
    expect(diagnostics!.ess.length).toBe(2);
    for (const ess of diagnostics!.ess) expect(Math.abs(ess / theory - 1)).toBeLessThan(0.2);
    expect(diagnostics!.maxRhat).toBeLessThan(1.02);
    expectMeans(samples, [0, 0]);
    // The same assertion must fail for a wrong mean (the tolerance is 4 se, about 0.1 here).
    expect(() => expectMeans(samples, [0.2, 0])).toThrow(/mean\[0\].*standard errors/);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('leaks nothing over 1000 steps', () => {
    const init = tf.zeros([4, 2]);
    expectNoLeaks(() => {
      const r = sampleChain(ar1Sampler(0.5), { energy: (x) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(4), numSteps: 1000, burnIn: 5, thin: 10 });
      r.samples.dispose();
      disposeState(r.finalState);
    }, 1, { warmup: 1 });
    tf.dispose(init);
  });

  it('with collect: false returns no samples tensor at all, and reads the step info once', async () => {
    const init = tf.zeros([4, 2]);
    const before = tf.memory().numTensors;
    let result: ReturnType<typeof sampleChain> | undefined;
    const reads = await countDeviceReads(() => {
      result = sampleChain(ar1Sampler(0.5), { energy: (x) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(6), numSteps: 50, collect: false });
    });
    expect(reads).toBe(1);
    expect(result!.samples).toBeUndefined();
    expect(result!.diagnostics).toBeUndefined();
    // Only the final state's position is left.
    expect(tf.memory().numTensors).toBe(before + 1);
    disposeState(result!.finalState);
    init.dispose();
  });

  it('with diagnostics: false keeps the same samples, computes no diagnostics and reads the step info only', async () => {
    const init = tf.zeros([4, 2]);
    const options = { energy: (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(7), numSteps: 20 };
    const full = sampleChain(ar1Sampler(0.5), options);
    expect(full.diagnostics).toBeDefined();
    let bare: ReturnType<typeof sampleChain> | undefined;
    const reads = await countDeviceReads(() => {
      bare = sampleChain(ar1Sampler(0.5), { ...options, diagnostics: false });
    });
    expect(reads).toBe(1);
    expect(bare!.diagnostics).toBeUndefined();
    expect(bare!.samples!.arraySync()).toEqual(full.samples!.arraySync());
    const viaAsync = await sampleChainAsync(ar1Sampler(0.5), { ...options, diagnostics: false });
    expect(viaAsync.diagnostics).toBeUndefined();
    disposeState([full.samples, full.finalState, bare!.samples, bare!.finalState, viaAsync.samples, viaAsync.finalState]);
    init.dispose();
  });

  it('frees every state when the sampler throws mid-chain', () => {
    const init = tf.zeros([4, 2]);
    let steps = 0;
    const failing: Sampler = {
      name: 'failing',
      init: (position) => ({ position: tf.clone(position) }),
      step: (_key, state) => {
        if (++steps === 5) throw new Error('boom');
        return [{ position: tf.add(state.position, 1) }, {}];
      },
    };
    const before = tf.memory().numTensors;
    expect(() => sampleChain(failing, { energy: (x) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(0), numSteps: 10, burnIn: 2 })).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    init.dispose();
  });

  it('rejects bad options naming them', () => {
    const init = tf.zeros([4, 2]);
    const energy = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
    const sampler = ar1Sampler(0.5);
    expect(() => sampleChain(sampler, { energy, init, key: prngKey(0), numSteps: -1 })).toThrow(/numSteps/);
    expect(() => sampleChain(sampler, { energy, init, key: prngKey(0), thin: 0 })).toThrow(/thin: must be an integer >= 1/);
    expect(() => sampleChain(sampler, { energy, init, key: prngKey(0), burnIn: 1.5 })).toThrow(/burnIn/);
    const empty = tf.zeros([0, 2]);
    expect(() => sampleChain(sampler, { energy, init: empty, key: prngKey(0) })).toThrow(/init: has no samples/);
    tf.dispose([init, empty]);
  });

  it('sampleChainAsync draws exactly what sampleChain draws, with the same means and diagnostics', async () => {
    const init = normal(prngKey(7), [8, 2]);
    const options = { energy: (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D, init, key: prngKey(8), burnIn: 5, numSteps: 40, thin: 2 };
    const sync = sampleChain(ar1Sampler(0.6), options);
    let asyncResult: Awaited<ReturnType<typeof sampleChainAsync>> | undefined;
    const reads = await countDeviceReads(async () => {
      asyncResult = await sampleChainAsync(ar1Sampler(0.6), options);
    });
    // One read for the info means, one for the kept samples (the diagnostics).
    expect(reads).toBe(2);
    expect(asyncResult!.samples!.arraySync()).toEqual(sync.samples.arraySync());
    expect(asyncResult!.meanInfo).toEqual(sync.meanInfo);
    expect(asyncResult!.acceptanceRate).toBe(sync.acceptanceRate);
    expect(Array.from(asyncResult!.diagnostics!.ess)).toEqual(Array.from(sync.diagnostics!.ess));
    expect(Array.from(asyncResult!.diagnostics!.rhat)).toEqual(Array.from(sync.diagnostics!.rhat));
    tf.dispose([init, sync.samples, asyncResult!.samples!]);
    disposeState([sync.finalState, asyncResult!.finalState]);
  });

  it('sampleChainAsync leaks nothing and checks its options like sampleChain', async () => {
    const init = tf.zeros([4, 2]);
    const energy = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const r = await sampleChainAsync(ar1Sampler(0.5), { energy, init, key: prngKey(i), numSteps: 20, burnIn: 3, thin: 2 });
      r.samples!.dispose();
      disposeState(r.finalState);
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(sampleChainAsync(ar1Sampler(0.5), { energy, init, key: prngKey(0), thin: 0 })).rejects.toThrow(/thin: must be an integer >= 1/);
    init.dispose();
  });
});
