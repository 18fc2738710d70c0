import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, bernoulli, disposeState, prngKey, sampleChain } from '@ebm/core';
import { describeBackends, expectProbability, expectSamplerContract, expectSamplerNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { bitFlip } from './bit-flip.js';

/** A 7-unit Boltzmann machine E(x) = -b.x - 1/2 x^T J x on x in {0, 1}^7 (J symmetric, zero diagonal). */
const BIAS = [0.5, -0.3, 0.2, -0.8, 0.1, 0.4, -0.2];
const COUPLINGS = (() => {
  const n = BIAS.length;
  const j = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  // A ring of ferromagnetic couplings plus two frustrating (negative) chords.
  for (let i = 0; i < n; i++) {
    const k = (i + 1) % n;
    j[i]![k] = j[k]![i] = 0.9;
  }
  j[0]![3] = j[3]![0] = -0.7;
  j[2]![5] = j[5]![2] = -0.5;
  return j;
})();

function isingEnergy(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const linear = tf.squeeze(tf.matMul(x, tf.tensor2d(BIAS, [BIAS.length, 1])), [1]);
    const quadratic = tf.sum(tf.mul(tf.matMul(x, tf.tensor2d(COUPLINGS)), x), 1);
    return tf.neg(tf.add(linear, tf.mul(0.5, quadratic))) as tf.Tensor1D;
  });
}

/** Exact P(x_i = 1) and P(x_0 = 1, x_1 = 1) by enumerating all 2^7 states. */
function exactProbabilities(): { marginals: number[]; pair01: number } {
  const n = BIAS.length;
  const marginals = new Array<number>(n).fill(0);
  let pair01 = 0;
  let z = 0;
  for (let s = 0; s < 2 ** n; s++) {
    const x = Array.from({ length: n }, (_, i) => (s >> i) & 1);
    let e = 0;
    for (let i = 0; i < n; i++) {
      e -= BIAS[i]! * x[i]!;
      for (let k = 0; k < n; k++) e -= 0.5 * x[i]! * COUPLINGS[i]![k]! * x[k]!;
    }
    const w = Math.exp(-e);
    z += w;
    x.forEach((v, i) => (marginals[i]! += v * w));
    pair01 += x[0]! * x[1]! * w;
  }
  return { marginals: marginals.map((m) => m / z), pair01: pair01 / z };
}

describeBackends('bitFlip', () => {
  for (const flips of [1, 2]) {
    it(`reproduces exact marginals and a pairwise probability of a 7-unit Boltzmann machine (flips = ${flips})`, () => {
      const { marginals, pair01 } = exactProbabilities();
      const half = tf.fill([32, BIAS.length], 0.5);
      const init = bernoulli(prngKey(10), half);
      const { samples, finalState, acceptanceRate } = sampleChain(bitFlip({ flips }), {
        energy: isingEnergy,
        init,
        key: prngKey(11 + flips),
        burnIn: 100,
        numSteps: 1500,
      });
      expect(acceptanceRate).toBeGreaterThan(0);
      expect(acceptanceRate).toBeLessThan(1);
      marginals.forEach((p, i) => expectProbability(samples, (x) => x(i) === 1, p, { label: `P(x_${i} = 1)` }));
      expectProbability(samples, (x) => x(0) === 1 && x(1) === 1, pair01, { label: 'P(x_0 = 1, x_1 = 1)' });
      tf.dispose([samples, init, half]);
      disposeState(finalState);
    });
  }

  it('flips j ~ U{1..flips} coordinates per chain, each chain its own j, and keeps states binary', () => {
    // A flat energy accepts every proposal, so from all zeros each chain holds exactly its j ones.
    const flat = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
    const sampler = bitFlip({ flips: 3 });
    const init = tf.zeros([3000, 2, 4]);
    const state = sampler.init(init, flat);
    const [next, info] = sampler.step(prngKey(100), state, flat);
    expect(info.acceptanceRate.dataSync()[0]).toBe(1);
    expect(next.position.shape).toEqual([3000, 2, 4]);
    const rows = tf.tidy(() => tf.sum(tf.reshape(next.position, [3000, 8]), 1).arraySync() as number[]);
    // Each of the 3000 chains draws j ~ U{1, 2, 3}: every count appears about 1000 times (binomial se 26).
    for (const j of [1, 2, 3]) expectWithinStandardErrors(rows.filter((r) => r === j).length / 3000, 1 / 3, Math.sqrt(2 / 9 / 3000), { label: `P(j = ${j})` });
    expect(rows.every((r) => r >= 1 && r <= 3)).toBe(true);
    tf.dispose(init);
    disposeState([state, next, info]);
  });

  for (const flips of [2, 4]) {
    it(`is ergodic with an even flips = ${flips}: 4 independent bits from all-zero starts reach P(x_i = 1) = sigmoid(1)`, () => {
      // E(x) = -sum x_i: independent bits with P(x_i = 1) = e / (1 + e) = 0.7311. Always flipping an
      // even number of bits would keep sum(x) even from the all-zero start (P = 0.7714 for 2 flips,
      // 0.9822 for 4: the parity bug this test guards against).
      const energy = (x: tf.Tensor) => tf.neg(tf.sum(x, 1)) as tf.Tensor1D;
      const init = tf.zeros([64, 4]);
      const { samples, finalState } = sampleChain(bitFlip({ flips }), { energy, init, key: prngKey(60 + flips), burnIn: 100, numSteps: 1500 });
      const p = Math.E / (1 + Math.E);
      for (let i = 0; i < 4; i++) expectProbability(samples, (x) => x(i) === 1, p, { label: `P(x_${i} = 1)` });
      tf.dispose([samples, init]);
      disposeState(finalState);
    });
  }

  it('keeps the sampler contract (copies at init, fresh states, info on the device, no reads in step)', async () => {
    const init = tf.zeros([4, BIAS.length]);
    await expectSamplerContract(bitFlip({ flips: 2 }), { energy: isingEnergy, init });
    init.dispose();
  });

  it('leaks no tensor over 1000 steps', () => {
    const sampler = bitFlip();
    const init = tf.zeros([4, BIAS.length]);
    expectSamplerNoLeaks(sampler, { energy: isingEnergy, init, key: prngKey(6) });
    init.dispose();
  });

  it('rejects non-binary states and bad flips with clear errors', () => {
    const spins = tf.tensor2d([[-1, 1, 1, -1, 1, 1, -1]]);
    expect(() => bitFlip().init(spins, isingEnergy)).toThrow(InvalidArgumentError);
    expect(() => bitFlip().init(spins, isingEnergy)).toThrow(/position.*0s and 1s/);
    const binary = tf.zeros([2, BIAS.length]);
    expect(() => bitFlip({ flips: 8 }).init(binary, isingEnergy)).toThrow(/flips/);
    // The size check is on the host, so it stays when objectives skip the start's device check.
    expect(() => bitFlip({ flips: 8 }).init(binary, isingEnergy, { check: false })).toThrow(/^flips: must be <= the number of coordinates per chain \(7\)/);
    for (const flips of [0, 1.5]) {
      expect(() => bitFlip({ flips })).toThrow(InvalidArgumentError);
      expect(() => bitFlip({ flips })).toThrow(/flips/);
    }
    tf.dispose([spins, binary]);
  });
});
