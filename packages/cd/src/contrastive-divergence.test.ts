import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  InvalidArgumentError,
  NonFiniteError,
  type Objective,
  ShapeError,
  disposeReplaced,
  disposeState,
  normal,
  normalDistribution,
  prngKey,
  readScalarsSync,
  uniformDistribution,
} from '@ebm/core';
import { gaussianEnergy, mlpEnergy } from '@ebm/core/models';
import {
  describeBackends,
  expectAllClose,
  expectObjectiveContract,
  expectObjectiveNoLeaks,
  expectSameObjectiveStep,
  expectWithinStandardErrors,
} from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { bitFlip, randomWalkMetropolis } from '@ebm/mcmc-mh';
import { describe, expect, it } from 'vitest';
import { type ChainInit, type ContrastiveDivergenceState, contrastiveDivergence } from './contrastive-divergence.js';
import { affineSampler, withAcceptance } from './test-samplers.js';

/** One training step's gradients, the caller's way: read what to check, dispose the loss, grads and metrics, free the previous state. */
function stepOnce(
  objective: Objective<ContrastiveDivergenceState>,
  model: EnergyModel,
  batch: tf.Tensor,
  state: ContrastiveDivergenceState,
  seed: number,
) {
  const step = objective.gradients(model, batch, state, prngKey(seed));
  expect(step.state).not.toBe(state);
  const grads = Object.fromEntries(Object.entries(step.grads).map(([name, g]) => [name, g.arraySync()]));
  const metrics = readScalarsSync(step.metrics);
  tf.dispose([step.loss, step.grads, step.metrics]);
  disposeReplaced(state, step.state);
  return { grads, state: step.state, metrics };
}

function expectClose(actual: unknown, expected: unknown, tol = 1e-4): void {
  const a = (actual as number[] | number[][]).flat();
  const e = (expected as number[] | number[][]).flat();
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(e[i]!))));
}

describeBackends('contrastiveDivergence', () => {
  describe('gradient', () => {
    for (const alpha of [0, 0.3]) {
      it(`equals mean grad E(x+) - mean grad E(x-) for fixed negatives (alpha = ${alpha})`, () => {
        // The affine "sampler" makes the negatives known: two steps of x -> 0.5 x + 1 give x- = 0.25 x+ + 1.5.
        const model = gaussianEnergy({ dim: 2, mean: [0.3, -0.2], precision: [[2, 0.5], [0.5, 1]] });
        const objective = contrastiveDivergence({ sampler: affineSampler(0.5, 1), k: 2, alpha });
        const batch = tf.tensor2d([[1, 2], [-1, 0.5], [0.2, -0.7]]);
        const negatives = tf.tidy(() => tf.add(tf.mul(batch, 0.25), 1.5));
        const { grads, metrics } = stepOnce(objective, model, batch, objective.init(model, prngKey(0)), 1);

        // Closed form for the mean: dE/dmu = -P (x - mu), so the loss mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2)
        // has d/dmu = sum over both batches of mean_i (sign + 2 alpha E_i) (-P (x_i - mu)), sign = +1 for x+ and -1 for x-.
        const p = model.precision();
        const mu = model.mean.arraySync() as number[];
        const meanTerm = (x: number[][], sign: number) => {
          const out = [0, 0];
          for (const row of x) {
            const r = [row[0]! - mu[0]!, row[1]! - mu[1]!];
            const pr = [p[0]![0]! * r[0]! + p[0]![1]! * r[1]!, p[1]![0]! * r[0]! + p[1]![1]! * r[1]!];
            const e = 0.5 * (r[0]! * pr[0]! + r[1]! * pr[1]!);
            out[0]! -= ((sign + 2 * alpha * e) * pr[0]!) / x.length;
            out[1]! -= ((sign + 2 * alpha * e) * pr[1]!) / x.length;
          }
          return out;
        };
        const pos = meanTerm(batch.arraySync() as number[][], 1);
        const neg = meanTerm(negatives.arraySync() as number[][], -1);
        expectClose(grads[model.mean.name], [pos[0]! + neg[0]!, pos[1]! + neg[1]!]);

        // The precision factor, independently: tf.grad of each term separately with the negatives as a constant.
        const independent = tf.tidy(() => {
          const term = (x: tf.Tensor, sign: number) =>
            tf.variableGrads(() => {
              const e = model.energy(x);
              return tf.add(tf.mul(sign, tf.mean(e)), tf.mul(alpha, tf.mean(tf.square(e)))) as tf.Scalar;
            }, [model.mean, model.precisionFactor]).grads;
          const gp = term(batch, 1);
          const gn = term(negatives, -1);
          return {
            mean: tf.add(gp[model.mean.name]!, gn[model.mean.name]!).arraySync(),
            factor: tf.add(gp[model.precisionFactor.name]!, gn[model.precisionFactor.name]!).arraySync(),
          };
        });
        expectClose(grads[model.mean.name], independent.mean);
        expectClose(grads[model.precisionFactor.name], independent.factor);

        const ePos = tf.tidy(() => tf.mean(model.energy(batch)).arraySync() as number);
        const eNeg = tf.tidy(() => tf.mean(model.energy(negatives)).arraySync() as number);
        expectClose([metrics.positiveEnergy, metrics.negativeEnergy, metrics.energyGap], [ePos, eNeg, ePos - eNeg]);
        expect(metrics.acceptanceRate).toBeUndefined();
        tf.dispose([batch, negatives, ...model.variables]);
      });
    }
    it('returns zeros for a model variable the energy does not read', () => {
      const gaussian = gaussianEnergy({ dim: 2 });
      const unused = tf.variable(tf.ones([3]), true, 'cd-test/unused');
      const model: EnergyModel = { energy: gaussian.energy, variables: [...gaussian.variables, unused] };
      const objective = contrastiveDivergence({ sampler: affineSampler(0.5, 1) });
      const batch = tf.tensor2d([[1, 2], [-1, 0.5]]);
      const { grads, state } = stepOnce(objective, model, batch, objective.init(model, prngKey(0)), 1);
      expect(grads['cd-test/unused']).toEqual([0, 0, 0]);
      expect(Object.keys(grads).sort()).toEqual(model.variables.map((v) => v.name).sort());
      disposeState(state);
      tf.dispose([batch, ...model.variables]);
    });
  });

  describe('parameter gradients without a tape (the model\'s parameterVjp)', () => {
    /**
     * A Gaussian energy whose `parameterVjp` returns its true energies with recognisable
     * gradients (every entry 7) and records the rows and weights it was given, so the test sees
     * which path the objective took; `omit` leaves one variable's gradient out.
     */
    function withHook(omit = false) {
      const gaussian = gaussianEnergy({ dim: 2, mean: [0.3, -0.2] });
      const calls: { rows: number[][]; weights: number[] }[] = [];
      const model: EnergyModel = {
        ...gaussian,
        parameterVjp: (x) => {
          const energy = gaussian.energy(x);
          return {
            energy,
            vjp: (weights) => {
              calls.push({ rows: x.arraySync() as number[][], weights: Array.from(weights.dataSync()) });
              return Object.fromEntries(gaussian.variables.slice(omit ? 1 : 0).map((v) => [v.name, tf.fill(v.shape, 7)]));
            },
          };
        },
      };
      return { model, calls, gaussian };
    }

    for (const alpha of [0, 0.1]) {
      it(`hands the stacked positives and negatives to parameterVjp with the weights dL/dE (alpha = ${alpha})`, () => {
        const { model, calls, gaussian } = withHook();
        const objective = contrastiveDivergence({ sampler: affineSampler(0.5, 1), k: 2, alpha });
        const batch = tf.tensor2d([[1, 2], [-1, 0.5]]);
        const step = objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1));
        for (const v of model.variables) expect(Array.from(step.grads[v.name]!.dataSync())).toEqual(new Array(v.size).fill(7));
        // Two affine steps: x- = 0.25 x+ + 1.5.
        const rows = [[1, 2], [-1, 0.5], [1.75, 2], [1.25, 1.625]];
        const energies = Array.from(tf.tidy(() => gaussian.energy(tf.tensor2d(rows))).dataSync());
        expect(calls.map((c) => c.rows)).toEqual([rows]);
        // w = +-1/2 + 2 alpha E / 2.
        const expected = energies.map((e, i) => (i < 2 ? 0.5 : -0.5) + alpha * e);
        calls[0]!.weights.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 5));
        const metrics = readScalarsSync({ loss: step.loss, ...step.metrics });
        const [positive, negative] = [(energies[0]! + energies[1]!) / 2, (energies[2]! + energies[3]!) / 2];
        const square = (alpha * (energies[0]! ** 2 + energies[1]! ** 2 + energies[2]! ** 2 + energies[3]! ** 2)) / 2;
        expect(metrics.loss).toBeCloseTo(positive - negative + square, 4);
        expect(metrics.positiveEnergy).toBeCloseTo(positive, 5);
        expect(metrics.negativeEnergy).toBeCloseTo(negative, 5);
        tf.dispose([batch, step.loss, step.grads, step.metrics, ...model.variables]);
        disposeState(step.state);
      });
    }

    it('rejects a parameterVjp that leaves a variable out, naming the model', () => {
      const { model } = withHook(true);
      const objective = contrastiveDivergence({ sampler: affineSampler(0.5, 1) });
      const batch = tf.tensor2d([[1, 2], [-1, 0.5]]);
      const before = tf.memory().numTensors;
      const call = () => objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1));
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(/^model: parameterVjp returned no gradient for variable/);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch, ...model.variables]);
    });

    for (const init of ['data', 'persistent'] as const) {
      it(`with the MLP energy equals the tape path for the same keys: loss, gradients, metrics, chains (${init}, alpha 0.2)`, () => {
        const model = mlpEnergy({ inputShape: [2], hidden: [8, 8], key: prngKey(2) });
        const tapeOnly: EnergyModel = { energy: model.energy, variables: model.variables };
        const objective = contrastiveDivergence({ sampler: randomWalkMetropolis({ scale: 0.3 }), k: 3, init, alpha: 0.2 });
        const batch = normal(prngKey(3), [16, 2]);
        let [hookState, tapeState] = [objective.init(model, prngKey(4)), objective.init(tapeOnly, prngKey(4))];
        for (let t = 0; t < 2; t++) {
          const hook = objective.gradients(model, batch, hookState, prngKey(5 + t));
          const tape = objective.gradients(tapeOnly, batch, tapeState, prngKey(5 + t));
          expectSameObjectiveStep(hook, tape);
          if (init === 'persistent') expectAllClose(hook.state.chains!, tape.state.chains!);
          tf.dispose([hook.loss, hook.grads, hook.metrics, tape.loss, tape.grads, tape.metrics]);
          disposeReplaced(hookState, hook.state);
          disposeReplaced(tapeState, tape.state);
          [hookState, tapeState] = [hook.state, tape.state];
        }
        disposeState([hookState, tapeState]);
        tf.dispose([batch, ...model.variables]);
      });
    }

    it('keeps tensors constant with the MLP energy (hook path)', () => {
      const model = mlpEnergy({ inputShape: [2], hidden: [8, 8], key: prngKey(6) });
      const batch = normal(prngKey(7), [16, 2]);
      expectObjectiveNoLeaks(contrastiveDivergence({ sampler: randomWalkMetropolis({ scale: 0.3 }), k: 2, init: 'persistent', alpha: 0.1 }), { model, batch, iterations: 20 });
      tf.dispose([batch, ...model.variables]);
    });
  });

  describe('chain starts', () => {
    it('CD-k starts from the batch; persistent chains continue where the last step left them', () => {
      const model = gaussianEnergy({ dim: 2 });
      const batch = tf.tensor2d([[1, 2], [3, 4]]);
      const starts: tf.Tensor[] = [];
      const cd = contrastiveDivergence({ sampler: affineSampler(1, 1, starts), k: 1, init: 'data' });
      let state = cd.init(model, prngKey(0));
      for (let t = 0; t < 2; t++) state = stepOnce(cd, model, batch, state, t).state;
      expect(starts.map((s) => s.arraySync())).toEqual([[[1, 2], [3, 4]], [[1, 2], [3, 4]]]);
      expect(state.chains).toBeNull();

      const pcd = contrastiveDivergence({ sampler: affineSampler(1, 1, starts), k: 2, init: 'persistent' });
      state = pcd.init(model, prngKey(0));
      for (let t = 0; t < 2; t++) state = stepOnce(pcd, model, batch, state, t).state;
      // Step 1 starts from the data (persistentStart 'data') and moves +2; step 2 continues from there.
      expect(starts.slice(2).map((s) => s.arraySync())).toEqual([[[1, 2], [3, 4]], [[2, 3], [4, 5]], [[3, 4], [5, 6]], [[4, 5], [6, 7]]]);
      expect(state.chains!.arraySync()).toEqual([[5, 6], [7, 8]]);
      disposeState(state);
      tf.dispose([batch, ...starts, ...model.variables]);
    });

    it('persistent chains started from noise lie in the noise box', () => {
      const model = gaussianEnergy({ dim: 3 });
      const batch = tf.fill([50, 3], 100);
      const starts: tf.Tensor[] = [];
      const noise = uniformDistribution({ eventShape: [3], low: 2, high: 3 });
      const pcd = contrastiveDivergence({ sampler: affineSampler(1, 0, starts), init: 'persistent', persistentStart: 'noise', noise });
      const { state } = stepOnce(pcd, model, batch, pcd.init(model, prngKey(0)), 0);
      const values = starts[0]!.dataSync();
      expect(Array.from(values).every((v) => v >= 2 && v < 3)).toBe(true);
      disposeState(state);
      tf.dispose([batch, ...starts, ...model.variables]);
    });

    it('noise-started persistent chains default to the uniform box [-1, 1) of the batch rows\' shape', () => {
      const model = gaussianEnergy({ dim: 3 });
      const batch = tf.fill([50, 3], 100);
      const starts: tf.Tensor[] = [];
      const pcd = contrastiveDivergence({ sampler: affineSampler(1, 0, starts), init: 'persistent', persistentStart: 'noise' });
      const { state } = stepOnce(pcd, model, batch, pcd.init(model, prngKey(0)), 0);
      expect(starts[0]!.shape).toEqual([50, 3]);
      expect(Array.from(starts[0]!.dataSync()).every((v) => v >= -1 && v < 1)).toBe(true);
      disposeState(state);
      tf.dispose([batch, ...starts, ...model.variables]);
    });

    it('replay restarts ~5% of chains from fresh noise and continues the rest from the buffer', () => {
      // The affine sampler moves every chain by +10, so a chain start is either fresh noise in [-1, 1)
      // or a buffered negative (>= 9): the two are told apart by value.
      const n = 64;
      const steps = 100;
      const p = 0.05;
      const model = gaussianEnergy({ dim: 2 });
      const batch = tf.zeros([n, 2]);
      const starts: tf.Tensor[] = [];
      const objective = contrastiveDivergence({ sampler: affineSampler(1, 10, starts), init: 'replay', bufferSize: 256, restartProbability: p });
      let state = objective.init(model, prngKey(0));
      let restarts = 0;
      let draws = 0;
      for (let t = 0; t < steps; t++) {
        const stored = state.replay === null ? [] : (state.replay.buffer.arraySync() as number[][]);
        const fill = state.replay === null ? 0 : Math.min(state.replay.count, 256);
        const step = stepOnce(objective, model, batch, state, t);
        state = step.state;
        const start = starts.pop()!.arraySync() as number[][];
        const fromNoise = start.map((row) => row.every((v) => v >= -1 && v < 1));
        expect(step.metrics.restartFraction).toBeCloseTo(fromNoise.filter(Boolean).length / n, 10);
        if (fill < n) {
          expect(fromNoise.every(Boolean)).toBe(true); // the first steps, while the buffer holds fewer than n negatives
          continue;
        }
        // Every other start is a row of the buffer's filled part (bit-exact: gathered, not recomputed).
        start.forEach((row, i) => {
          if (!fromNoise[i]) expect(stored.slice(0, fill).some((b) => b[0] === row[0] && b[1] === row[1])).toBe(true);
        });
        restarts += fromNoise.filter(Boolean).length;
        draws += n;
      }
      // Binomial: the restart fraction over `draws` independent coins has standard error sqrt(p (1 - p) / draws).
      expectWithinStandardErrors(restarts / draws, p, Math.sqrt((p * (1 - p)) / draws), { label: 'restart fraction' });
      expect(state.replay!.count).toBe(n * steps);
      disposeState(state);
      tf.dispose([batch, ...model.variables]);
    });
  });

  describe('any sampler', () => {
    it('trains with Metropolis samplers: random walk on reals, bit flips on binary data (chains stay binary)', () => {
      const model = gaussianEnergy({ dim: 3 });
      const real = tf.tidy(() => normal(prngKey(5), [16, 3]));
      const binary = tf.tidy(() => tf.cast(tf.greater(real, 0), 'float32'));
      for (const [sampler, batch] of [[randomWalkMetropolis({ scale: 0.5 }), real], [bitFlip(), binary]] as const) {
        const objective = contrastiveDivergence({ sampler, k: 3, init: 'persistent' });
        let state = objective.init(model, prngKey(0));
        for (let t = 0; t < 3; t++) {
          const step = stepOnce(objective, model, batch, state, t);
          state = step.state;
          expect(step.metrics.acceptanceRate).toBeGreaterThan(0);
          expect(step.metrics.acceptanceRate).toBeLessThanOrEqual(1);
          expect(Object.values(step.grads).flat(2).every(Number.isFinite)).toBe(true);
        }
        if (batch === binary) expect(Array.from(state.chains!.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
        disposeState(state);
      }
      tf.dispose([real, binary, ...model.variables]);
    });
  });

  describe('contract', () => {
    const modes: [string, Parameters<typeof contrastiveDivergence>[0]][] = [
      ['data', { sampler: withAcceptance(affineSampler(0.9, 0.1), 0.75), k: 2 }],
      ['persistent', { sampler: withAcceptance(affineSampler(0.9, 0.1), 0.75), k: 2, init: 'persistent' }],
      ['persistent from noise', { sampler: affineSampler(0.9, 0.1), init: 'persistent', persistentStart: 'noise', noise: normalDistribution({ eventShape: [2] }) }],
      ['replay', { sampler: withAcceptance(affineSampler(0.9, 0.1), 0.75), k: 2, init: 'replay', bufferSize: 8, alpha: 0.1 }],
    ];
    for (const [mode, options] of modes) {
      it(`keeps the objective contract (${mode}): no device read, a new state object, device metrics`, async () => {
        const model = gaussianEnergy({ dim: 2 });
        const batch = tf.tidy(() => normal(prngKey(3), [4, 2]));
        await expectObjectiveContract(contrastiveDivergence(options), { model, batch, steps: 4 });
        tf.dispose([batch, ...model.variables]);
      });
    }

    it('reports the sampler\'s mean acceptance and the replay restart fraction as metrics', () => {
      const model = gaussianEnergy({ dim: 2 });
      const batch = tf.zeros([4, 2]);
      const objective = contrastiveDivergence({ sampler: withAcceptance(affineSampler(1, 10), 0.75), k: 3, init: 'replay', bufferSize: 8 });
      const { metrics, state } = stepOnce(objective, model, batch, objective.init(model, prngKey(0)), 0);
      expect(metrics.acceptanceRate).toBeCloseTo(0.75, 6);
      // The first step has an empty buffer: every chain starts from noise.
      expect(metrics.restartFraction).toBe(1);
      expect(Object.keys(metrics).sort()).toEqual(['acceptanceRate', 'energyGap', 'negativeEnergy', 'positiveEnergy', 'restartFraction']);
      expect(state.replay!.count).toBe(4);
      disposeState(state);
      tf.dispose([batch, ...model.variables]);
    });
  });

  describe('memory', () => {
    for (const init of ['data', 'persistent', 'replay'] as ChainInit[]) {
      // A deterministic contraction stands in for the sampler: MALA's own leak test lives in its package,
      // and 3 x 1000 MALA-driven steps would cost most of this package's test budget.
      it(`leaks no tensor over 1000 training steps (${init}, k = 1)`, () => {
        const model = gaussianEnergy({ dim: 2 });
        const batch = tf.tidy(() => normal(prngKey(3), [4, 2]));
        const objective = contrastiveDivergence({ sampler: affineSampler(0.9, 0), k: 1, init, bufferSize: 16 });
        expectObjectiveNoLeaks(objective, { model, batch, key: prngKey(0), learningRate: 0.01 });
        tf.dispose([batch, ...model.variables]);
      });
    }
  });

  describe('errors', () => {
    const sampler = () => affineSampler(1, 0);
    it('rejects bad options with the argument named', () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ k: 0 }, 'k'],
        [{ k: 1.5 }, 'k'],
        [{ init: 'contrastive' }, 'init'],
        [{ restartProbability: 1.5 }, 'restartProbability'],
        [{ restartProbability: -0.1 }, 'restartProbability'],
        [{ bufferSize: 0 }, 'bufferSize'],
        [{ alpha: -1 }, 'alpha'],
        [{ persistentStart: 'zeros' }, 'persistentStart'],
        [{ noise: { type: 'uniform', low: -1, high: 1 } }, 'noise'],
        [{ noise: { eventShape: [2] } }, 'noise'],
        [{ noise: null }, 'noise'],
      ];
      for (const [options, argument] of bad) {
        const call = () => contrastiveDivergence({ sampler: sampler(), ...options });
        expect(call).toThrow(InvalidArgumentError);
        expect(call).toThrow(new RegExp(`^${argument}:`));
      }
      expect(() => contrastiveDivergence({ sampler: {} as never })).toThrow(/^sampler:/);
    });

    it('rejects a replay buffer smaller than the batch', () => {
      const model = gaussianEnergy({ dim: 2 });
      const batch = tf.zeros([8, 2]);
      const objective = contrastiveDivergence({ sampler: sampler(), init: 'replay', bufferSize: 4 });
      const before = tf.memory().numTensors;
      expect(() => objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1))).toThrow(InvalidArgumentError);
      expect(() => objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1))).toThrow(/^bufferSize: \(4\) must be >= .*batch size, 8/);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch, ...model.variables]);
    });

    for (const init of ['persistent', 'replay'] as ChainInit[]) {
      it(`rejects a batch whose per-sample shape differs from the ${init} chains`, () => {
        const model = gaussianEnergy({ dim: 2 });
        const other = gaussianEnergy({ dim: 3 });
        const batch = tf.zeros([4, 2]);
        const wide = tf.zeros([4, 3]);
        const objective = contrastiveDivergence({ sampler: sampler(), init, bufferSize: 8 });
        const { state } = stepOnce(objective, model, batch, objective.init(model, prngKey(0)), 0);
        const call = () => objective.gradients(other, wide, state, prngKey(1));
        expect(call).toThrow(ShapeError);
        expect(call).toThrow(/^batch: has per-sample shape \[3\]/);
        expect(() => objective.gradients(model, tf.zeros([4]), state, prngKey(1))).toThrow(/^batch:/);
        disposeState(state);
        tf.dispose([batch, wide, ...model.variables, ...other.variables]);
      });
    }

    for (const init of ['replay', 'persistent'] as ChainInit[]) {
      it(`rejects noise of another event shape than the batch rows (${init})`, () => {
        const model = gaussianEnergy({ dim: 2 });
        const batch = tf.zeros([4, 2]);
        const noise = normalDistribution({ eventShape: [3] });
        const objective = contrastiveDivergence({ sampler: sampler(), init, persistentStart: 'noise', noise, bufferSize: 8 });
        const before = tf.memory().numTensors;
        const call = () => objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1));
        expect(call).toThrow(ShapeError);
        expect(call).toThrow(/^noise: has event shape \[3\] but the samples have shape \[2\]/);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([batch, ...model.variables]);
      });
    }

    it('rejects a replay state whose count is not a number (an old checkpoint)', () => {
      const model = gaussianEnergy({ dim: 2 });
      const batch = tf.zeros([4, 2]);
      const objective = contrastiveDivergence({ sampler: sampler(), init: 'replay', bufferSize: 8 });
      const state = { chains: null, replay: { buffer: tf.zeros([8, 2]), count: tf.scalar(4, 'int32') as never } };
      expect(() => objective.gradients(model, batch, state, prngKey(1))).toThrow(/^state: replay\.count must be/);
      disposeState(state);
      tf.dispose([batch, ...model.variables]);
    });

    it('a diverging sampler makes fit stop with a NonFiniteError naming the non-finite negativeEnergy', async () => {
      const model = gaussianEnergy({ dim: 2 });
      const data = tf.ones([4, 2]);
      const objective = contrastiveDivergence({ sampler: affineSampler(1e30, 0), k: 2 });
      const optimizer = tf.train.sgd(0.01);
      const options = { optimizer, steps: 3, batchSize: 4, key: prngKey(0) };
      const before = tf.memory().numTensors;
      await expect(fit(model, objective, data, options)).rejects.toThrow(NonFiniteError);
      await expect(fit(model, objective, data, options)).rejects.toThrow(
        /^loss: is (NaN|-?Infinity) at step 1 .*Non-finite metrics: .*negativeEnergy = (NaN|Infinity)/,
      );
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
      tf.dispose([data, ...model.variables]);
    });
  });
});
