import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countDeviceReads } from '../device-reads.js';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from './checkpoint/checkpoint.js';
import { fileCheckpointStore } from '../node/file-store.js';
import { CheckpointError, InvalidArgumentError, NonFiniteError, ShapeError } from '../errors.js';
import { fit } from './fit.js';
import { type Key, prngKey } from '../key.js';
import { gaussianEnergy } from '../models/gaussian.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import { cosineDecay } from '../schedule.js';
import { describeBackends } from '../testing/index.js';
import { adam } from './optimizers.js';
import type { EnergyModel, Objective } from '../types.js';
import { variableGradients } from '../variable-gradients.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ebm-fit-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshStore = () => fileCheckpointStore(join(root, `run-${counter++}`));

interface NoisyState {
  /** Persistent negatives, replaced every step. */
  readonly chains: tf.Tensor;
  /** An objective-owned variable carried from step to step (like NCE's log Z). */
  readonly offset: tf.Variable;
  readonly steps: number;
}

/**
 * A test objective with state and randomness: contrastive loss mean E(data) - mean E(negatives)
 * with negatives = chains + noise from the step key, plus (offset - mean E(data))^2 so that the
 * objective's own variable is trained too.
 */
function noisyContrastive(options: { nanAtStep?: number } = {}): Objective<NoisyState> {
  return {
    name: 'noisy-contrastive',
    init: (_model: EnergyModel, key: Key) =>
      tf.tidy(() => ({ chains: normal(key, [8, 2]), offset: tf.variable(tf.scalar(0), true), steps: 0 })),
    gradients: (model, batch, state, key) =>
      tf.tidy(() => {
        const chains = tf.add(state.chains, tf.mul(0.3, normal(key, state.chains.shape)));
        const variables = [...model.variables, state.offset];
        const { value, grads } = tf.variableGrads(() => {
          const positive = tf.mean(model.energy(batch));
          const negative = tf.mean(model.energy(chains));
          const fit = tf.square(tf.sub(state.offset, positive));
          const loss = tf.add(tf.sub(positive, negative), tf.mul(0.1, fit));
          return (state.steps + 1 === options.nanAtStep ? tf.mul(loss, Number.NaN) : loss) as tf.Scalar;
        }, variables);
        return { loss: value, grads, state: { chains, offset: state.offset, steps: state.steps + 1 }, metrics: { steps: tf.scalar(state.steps + 1) } };
      }),
    variables: (state) => [state.offset],
  };
}

const values = (tensors: readonly tf.Tensor[]) => tensors.map((t) => t.arraySync());
const makeData = (n = 64) => tf.add(normal(prngKey(100), [n, 2]), tf.tensor1d([1, -1]));

describeBackends('fit', () => {
  it('reads the loss and the metrics once per step, in one batch, and passes numbers to onStep', async () => {
    const data = makeData();
    const model = gaussianEnergy({ dim: 2 });
    const optimizer = tf.train.sgd(0.01);
    const seen: Record<string, number>[] = [];
    let result: Awaited<ReturnType<typeof fit<NoisyState>>> | undefined;
    const reads = await countDeviceReads(async () => {
      result = await fit(model, noisyContrastive(), data, { optimizer, batchSize: 16, key: prngKey(1), steps: 12, onStep: ({ metrics }) => void seen.push(metrics) });
    });
    // One read per step, plus the one-off finiteness check of the data.
    expect(reads).toBe(12 + 1);
    expect(seen.map((m) => m.steps)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result!.metrics[11]).toEqual({ steps: 12 });
    disposeState(result!.state);
    optimizer.dispose();
    tf.dispose([data, ...model.variables]);
  });

  const optimizers: [string, () => tf.Optimizer][] = [
    ['tf.train.adam', () => tf.train.adam(0.05)],
    ['adam with a cosine learning-rate schedule', () => adam({ learningRate: cosineDecay({ initial: 0.05, decaySteps: 20 }) })],
  ];
  it.each(optimizers)('resumed training equals uninterrupted training exactly (model, %s, objective state, key)', async (_name, makeOptimizer) => {
    const data = makeData();
    const objective = noisyContrastive();
    const common = { batchSize: 16, key: prngKey(7) };

    const straightModel = gaussianEnergy({ dim: 2 });
    const straightOptimizer = makeOptimizer();
    const straight = await fit(straightModel, objective, data, { ...common, optimizer: straightOptimizer, steps: 20 });

    const store = freshStore();
    const firstModel = gaussianEnergy({ dim: 2 });
    const firstOptimizer = makeOptimizer();
    const first = await fit(firstModel, objective, data, { ...common, optimizer: firstOptimizer, steps: 10, checkpoint: { store, every: 4 } });
    expect(await store.list()).toEqual([8, 10]);
    disposeState(first.state);

    const resumedModel = gaussianEnergy({ dim: 2 });
    const resumedOptimizer = makeOptimizer();
    const resumed = await fit(resumedModel, objective, data, {
      ...common,
      optimizer: resumedOptimizer,
      steps: 20,
      checkpoint: { store, every: 4 },
      resume: true,
    });
    expect(resumed.step).toBe(20);
    expect([...first.losses, ...resumed.losses]).toEqual(straight.losses);
    expect(values(resumedModel.variables)).toEqual(values(straightModel.variables));
    expect(resumed.state.chains.arraySync()).toEqual(straight.state.chains.arraySync());
    expect(resumed.state.offset.arraySync()).toEqual(straight.state.offset.arraySync());
    expect(resumed.state.steps).toBe(20);
    expect(straight.losses.every(Number.isFinite)).toBe(true);

    disposeState(straight.state);
    disposeState(resumed.state);
    tf.dispose([data, ...straightModel.variables, ...firstModel.variables, ...resumedModel.variables]);
    [straightOptimizer, firstOptimizer, resumedOptimizer].forEach((o) => o.dispose());
  });

  it('stops on abort after the current step, saves, and resumes to the same result', async () => {
    const data = makeData(32);
    const objective = noisyContrastive();
    const common = { batchSize: 8, key: prngKey(3), epochs: 3 };
    const straightModel = gaussianEnergy({ dim: 2 });
    const straight = await fit(straightModel, objective, data, { ...common, optimizer: tf.train.adam(0.05) });
    expect(straight.step).toBe(12);

    const store = freshStore();
    const controller = new AbortController();
    const epochs: number[] = [];
    const model = gaussianEnergy({ dim: 2 });
    const aborted = await fit(model, objective, data, {
      ...common,
      optimizer: tf.train.adam(0.05),
      checkpoint: { store, every: 100 },
      signal: controller.signal,
      onStep: ({ step, epoch }) => {
        epochs.push(epoch);
        if (step === 5) controller.abort();
      },
    });
    expect(aborted.stopped).toBe('aborted');
    expect(aborted.step).toBe(5);
    expect(epochs).toEqual([0, 0, 0, 0, 1]);
    expect(await store.latest()).toBe(5);
    disposeState(aborted.state);

    const resumedModel = gaussianEnergy({ dim: 2 });
    const resumed = await fit(resumedModel, objective, data, { ...common, optimizer: tf.train.adam(0.05), checkpoint: { store, every: 100 }, resume: true });
    expect(resumed.stopped).toBe('completed');
    expect([...aborted.losses, ...resumed.losses]).toEqual(straight.losses);
    expect(values(resumedModel.variables)).toEqual(values(straightModel.variables));
    disposeState(straight.state);
    disposeState(resumed.state);
    tf.dispose([data, ...straightModel.variables, ...model.variables, ...resumedModel.variables]);
  });

  it('yields to the event loop, so a timer can abort a long run', async () => {
    const data = makeData(16);
    const model = gaussianEnergy({ dim: 2 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const result = await fit(model, noisyContrastive(), data, {
      optimizer: tf.train.sgd(0.01),
      steps: 1_000_000,
      batchSize: 4,
      key: prngKey(0),
      signal: controller.signal,
    });
    expect(result.stopped).toBe('aborted');
    expect(result.step).toBeLessThan(1_000_000);
    disposeState(result.state);
    tf.dispose([data, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps, checkpoints included', async () => {
    const data = makeData(16);
    const model = gaussianEnergy({ dim: 2 });
    const optimizer = tf.train.adam(0.01);
    const counts: number[] = [];
    const warmup = 5;
    const result = await fit(model, noisyContrastive(), data, {
      optimizer,
      steps: 1000 + warmup,
      batchSize: 4,
      key: prngKey(1),
      checkpoint: { store: freshStore(), every: 100 },
      onStep: ({ step }) => {
        if (step >= warmup) counts.push(tf.memory().numTensors);
      },
    });
    expect(counts).toHaveLength(1001);
    expect(new Set(counts)).toEqual(new Set([counts[0]]));
    disposeState(result.state);
    tf.dispose([data, ...model.variables]);
    optimizer.dispose();
  });

  it('stops on a NaN loss with a NonFiniteError naming the step and the fix, keeping the last checkpoint', async () => {
    const data = makeData(16);
    const model = gaussianEnergy({ dim: 2 });
    const store = freshStore();
    const optimizer = tf.train.sgd(0.01);
    const before = tf.memory().numTensors;
    const error = await fit(model, noisyContrastive({ nanAtStep: 3 }), data, {
      optimizer,
      steps: 10,
      batchSize: 4,
      key: prngKey(0),
      checkpoint: { store, every: 2 },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as Error).message).toMatch(/^loss: is NaN at step 3 .*Lower the learning rate.*check the data.*checkpoint \(step 2\) is untouched/);
    expect(tf.memory().numTensors).toBe(before);
    expect(await store.latest()).toBe(2);
    const loaded = await loadCheckpoint<NoisyState>(store, { model });
    expect(loaded.objectiveState.steps).toBe(2);
    disposeState(loaded.objectiveState);
    tf.dispose([data, ...model.variables]);
  });

  it('rejects bad options and data with errors naming the argument', async () => {
    const data = makeData(16);
    const model = gaussianEnergy({ dim: 2 });
    const objective = noisyContrastive();
    const base = { optimizer: tf.train.sgd(0.1), key: prngKey(0) };
    const rejects = async (promise: Promise<unknown>, type: new (...args: never[]) => Error, pattern: RegExp) => {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(pattern);
    };
    await rejects(fit(model, objective, data, { ...base, steps: 5, epochs: 1 }), InvalidArgumentError, /give exactly one of steps and epochs/);
    await rejects(fit(model, objective, data, { ...base }), InvalidArgumentError, /give exactly one of steps and epochs/);
    await rejects(fit(model, objective, data, { ...base, steps: 0 }), InvalidArgumentError, /^steps: must be an integer >= 1/);
    await rejects(fit(model, objective, data, { ...base, epochs: 1.5 }), InvalidArgumentError, /^epochs: /);
    await rejects(fit(model, objective, data, { ...base, steps: 5, batchSize: 0 }), InvalidArgumentError, /^batchSize: must be an integer in \[1, N = 16\]/);
    await rejects(fit(model, objective, data, { ...base, steps: 5, batchSize: 17 }), InvalidArgumentError, /^batchSize: .*got 17/);
    await rejects(
      fit(model, objective, data, { ...base, steps: 5, checkpoint: { store: freshStore(), every: 0 } }),
      InvalidArgumentError,
      /^checkpoint\.every: /,
    );
    await rejects(fit(model, objective, data, { ...base, steps: 5, key: 7 as unknown as Key }), InvalidArgumentError, /^key: /);

    const withNaN = tf.tensor2d([[0, 1], [Number.NaN, 2]]);
    await rejects(fit(model, objective, withNaN, { ...base, steps: 1, batchSize: 2 }), NonFiniteError, /^data: contains NaN or Infinity/);
    const flat = tf.tensor1d([1, 2, 3]);
    await rejects(fit(model, objective, flat, { ...base, steps: 1, batchSize: 1 }), ShapeError, /^data: must have rank >= 2/);
    const wide = tf.zeros([8, 3]);
    const before = tf.memory().numTensors;
    await rejects(
      fit(model, objective, wide, { ...base, steps: 1, batchSize: 4 }),
      ShapeError,
      /^data: rows of shape \[3\] do not fit the model: x: has per-sample shape \[3\] but the model expects \[2\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    // An objective that records ops on the tape before the model sees the rows (denoising score
    // matching scales and perturbs them first): the same error, and still nothing leaked.
    const perturbing: Objective<Record<string, never>> = {
      name: 'perturbing',
      init: () => ({}),
      gradients: (m, batch) =>
        tf.tidy(() => {
          const { value, grads } = variableGradients(() => tf.mean(m.energy(tf.mul(batch, 1.5))) as tf.Scalar, m.variables);
          return { loss: value, grads, state: {}, metrics: {} };
        }),
    };
    const beforePerturbing = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await rejects(fit(model, perturbing, wide, { ...base, steps: 1, batchSize: 4 }), ShapeError, /^data: rows of shape \[3\] do not fit the model/);
    }
    expect(tf.memory().numTensors).toBe(beforePerturbing);

    // An objective that forgets the gradient of its own variable: clear error, nothing leaked.
    const inner = noisyContrastive();
    const forgetful: Objective<NoisyState> = {
      ...inner,
      name: 'forgetful',
      gradients: (m, batch, state, key) => {
        const step = inner.gradients(m, batch, state, key);
        const { [state.offset.name]: dropped, ...grads } = step.grads;
        dropped!.dispose();
        return { ...step, grads };
      },
    };
    const beforeForgetful = tf.memory().numTensors;
    await rejects(
      fit(model, forgetful, data, { ...base, steps: 1, batchSize: 4 }),
      InvalidArgumentError,
      /^objective: 'forgetful' returned no gradient for variable '.*'\. An objective must return a gradient for every model variable/,
    );
    expect(tf.memory().numTensors).toBe(beforeForgetful);
    tf.dispose([data, withNaN, flat, wide, ...model.variables]);
  });

  it('refuses to resume a run with another key or batch size', async () => {
    const data = makeData(16);
    const model = gaussianEnergy({ dim: 2 });
    const store = freshStore();
    const common = { optimizer: tf.train.adam(0.01), steps: 2, batchSize: 4, checkpoint: { store, every: 1 } };
    disposeState((await fit(model, noisyContrastive(), data, { ...common, key: prngKey(0) })).state);
    for (const options of [{ key: prngKey(1) }, { key: prngKey(0), batchSize: 8 }]) {
      const error = await fit(model, noisyContrastive(), data, { ...common, steps: 4, resume: true, ...options }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(/Cannot resume from checkpoint step 2 .* written with (key|batchSize) .*Resume with the same key, batchSize and objective/);
    }
    tf.dispose([data, ...model.variables]);
  });
});

describeBackends('fit with an objective that prepares', () => {
  it('awaits prepare before every gradients call, with the same batch and key, and hands gradients its state', async () => {
    const inner = noisyContrastive();
    const seen: { prepareKey: Key; gradientsKey?: Key; halved: boolean }[] = [];
    // prepare halves the chains (a new tensor, as a chain runner's negatives would be) and marks the state.
    const objective: Objective<NoisyState & { prepared?: boolean }> = {
      ...inner,
      prepare: async (_model, batch, state, key) => {
        expect(batch.isDisposed).toBe(false);
        seen.push({ prepareKey: key, halved: false });
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { ...state, chains: tf.tidy(() => tf.mul(state.chains, 0.5)), prepared: true };
      },
      gradients: (model, batch, state, key) => {
        seen.at(-1)!.gradientsKey = key;
        seen.at(-1)!.halved = state.prepared === true;
        return inner.gradients(model, batch, state, key);
      },
    };
    const model = gaussianEnergy({ dim: 2 });
    const data = tf.tidy(() => normal(prngKey(0), [16, 2]));
    const before = tf.memory().numTensors;
    const optimizer = tf.train.sgd(0.01);
    const result = await fit(model, objective, data, { optimizer, steps: 3, batchSize: 8, key: prngKey(1) });
    expect(seen.map((s) => s.halved)).toEqual([true, true, true]);
    expect(seen.every((s) => s.gradientsKey === s.prepareKey)).toBe(true);
    disposeState(result.state);
    // Everything fit made is freed (the initial state was made inside fit); SGD holds one scalar, its -learningRate.
    expect(tf.memory().numTensors).toBe(before + 1);

    // A failing prepare rejects fit and frees the batch and the state.
    const failing: Objective<NoisyState> = { ...inner, prepare: async () => Promise.reject(new Error('runner failed')) };
    await expect(fit(model, failing, data, { optimizer, steps: 3, batchSize: 8, key: prngKey(1) })).rejects.toThrow('runner failed');
    expect(tf.memory().numTensors).toBe(before + 1);
    disposeState([data, model.variables]);
    optimizer.dispose();
  });
});

describeBackends('fit with a reused optimizer', () => {
  it('refuses an optimizer that holds the state of a model of another shape, naming optimizer and the fix, leaking nothing', async () => {
    const optimizer = adam({ learningRate: 0.01 });
    const small = gaussianEnergy({ dim: 2 });
    const smallData = makeData(16);
    const common = { optimizer, steps: 2, batchSize: 4, key: prngKey(0) };
    disposeState((await fit(small, noisyContrastive(), smallData, common)).state);
    // The same model trains on with the same optimizer.
    disposeState((await fit(small, noisyContrastive(), smallData, common)).state);
    const large = gaussianEnergy({ dim: 3 });
    const largeData = tf.zeros([16, 3]);
    const before = tf.memory().numTensors;
    const error = await fit(large, noisyContrastive3(), largeData, common).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/^optimizer: holds the state of other variables \(6 slot tensors of shapes \[2\], \[2, 2\], \[\], .*create a fresh optimizer for each model/);
    expect(tf.memory().numTensors).toBe(before);
    // A fresh optimizer trains the larger model.
    const fresh = adam({ learningRate: 0.01 });
    disposeState((await fit(large, noisyContrastive3(), largeData, { ...common, optimizer: fresh })).state);
    optimizer.dispose();
    fresh.dispose();
    tf.dispose([smallData, largeData, ...small.variables, ...large.variables]);
  });
});

/** {@link noisyContrastive} on 3-D data. */
function noisyContrastive3(): Objective<NoisyState> {
  const inner = noisyContrastive();
  return { ...inner, init: (_model, key) => tf.tidy(() => ({ chains: normal(key, [8, 3]), offset: tf.variable(tf.scalar(0), true), steps: 0 })) };
}
