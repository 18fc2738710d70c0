import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDeviceReads } from '../device-reads.js';
import type { EnergyModel, Objective, Sampler } from '../types.js';
import { expectObjectiveContract, expectSamplerContract } from './index.js';

const energy = (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x), 1) as tf.Tensor1D);

/** A correct sampler (x' = x + 1), and variants that each break one rule of the contract. */
function sampler(flaw?: 'keeps init' | 'reuses state' | 'reads' | 'disposes state' | 'random'): Sampler {
  return {
    name: flaw ?? 'clean',
    init: (position) => ({ position: flaw === 'keeps init' ? position : tf.clone(position) }),
    step: (_key, state) => {
      if (flaw === 'reads') state.position.dataSync();
      if (flaw === 'reuses state') return [state, {}];
      const position = tf.add(state.position, flaw === 'random' ? tf.randomUniform(state.position.shape) : 1);
      if (flaw === 'disposes state') state.position.dispose();
      return [{ position }, { acceptanceRate: tf.scalar(1) }];
    },
  };
}

describe('countDeviceReads', () => {
  it('counts every synchronous and asynchronous read of tensor data', async () => {
    const t = tf.ones([3]);
    expect(await countDeviceReads(() => tf.tidy(() => void tf.add(t, 1)))).toBe(0);
    expect(await countDeviceReads(() => t.dataSync())).toBe(1);
    expect(await countDeviceReads(async () => { await t.data(); t.arraySync(); })).toBe(2);
    t.dispose();
  });
});

describe('expectSamplerContract', () => {
  it('passes a sampler that keeps the contract and names each broken rule', async () => {
    const init = tf.zeros([2, 2]);
    await expect(expectSamplerContract(sampler(), { energy, init })).resolves.toBeUndefined();
    await expect(expectSamplerContract(sampler('keeps init'), { energy, init })).rejects.toThrow(/init must copy the position/);
    await expect(expectSamplerContract(sampler('reuses state'), { energy, init })).rejects.toThrow(/shares tensors with the state it was given/);
    await expect(expectSamplerContract(sampler('reads'), { energy, init })).rejects.toThrow(/step made 1 device read/);
    await expect(expectSamplerContract(sampler('disposes state'), { energy, init })).rejects.toThrow(/disposed part of the state/);
    await expect(expectSamplerContract(sampler('random'), { energy, init })).rejects.toThrow(/not deterministic given the key/);
    expect(init.isDisposed).toBe(false);
    init.dispose();
  });
});

describe('expectObjectiveContract', () => {
  type State = { readonly offset: tf.Variable; readonly count: number };
  /** A correct objective (loss mean E(x) + offset^2), and variants that each break one rule. */
  function objective(flaw?: 'same state' | 'reads' | 'number metric' | 'missing gradient'): Objective<State> {
    return {
      name: flaw ?? 'clean',
      init: () => ({ offset: tf.tidy(() => tf.variable(tf.scalar(1), true)), count: 0 }),
      variables: (state) => [state.offset],
      gradients: (model, batch, state) =>
        tf.tidy(() => {
          const variables = flaw === 'missing gradient' ? [...model.variables] : [...model.variables, state.offset];
          const { value, grads } = tf.variableGrads(() => tf.add(tf.mean(model.energy(batch)), tf.square(state.offset)) as tf.Scalar, variables);
          if (flaw === 'reads') value.dataSync();
          const metrics = flaw === 'number metric' ? { energy: 3 as unknown as tf.Scalar } : { energy: tf.mean(model.energy(batch)) as tf.Scalar };
          const next = flaw === 'same state' ? state : { offset: state.offset, count: state.count + 1 };
          return { loss: value, grads, state: next, metrics } as never;
        }),
    };
  }

  it('passes an objective that keeps the contract and names each broken rule', async () => {
    const w = tf.variable(tf.ones([2]), true, 'contract-test/w');
    const model: EnergyModel = { energy: (x) => tf.sum(tf.mul(x, w), 1) as tf.Tensor1D, variables: [w] };
    const batch = tf.ones([3, 2]);
    const before = tf.memory().numTensors;
    await expect(expectObjectiveContract(objective(), { model, batch })).resolves.toBeUndefined();
    await expect(expectObjectiveContract(objective('same state'), { model, batch })).rejects.toThrow(/must return a new state object/);
    await expect(expectObjectiveContract(objective('reads'), { model, batch })).rejects.toThrow(/gradients made 1 device read/);
    await expect(expectObjectiveContract(objective('number metric'), { model, batch })).rejects.toThrow(/metric 'energy' must be a scalar tensor/);
    await expect(expectObjectiveContract(objective('missing gradient'), { model, batch })).rejects.toThrow(/no gradient for variable/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, batch]);
  });
});
