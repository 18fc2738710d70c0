import * as tf from '@tensorflow/tfjs';
import { ShapeError, prngKey } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaksAsync } from '@ebm/core/testing';
import { adam, fit } from '@ebm/core/train';
import { expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { CONDITIONAL_OBJECTIVES, type ConditionalObjectiveName } from './conditional-recipes.js';
import { openConditionalSession } from './conditional-session.js';
import { OBJECTIVES, buildFlow, buildObjective, densityRecipe } from './objectives.js';
import { buildSampler } from './samplers.js';

describeBackends('every objective recipe on rows of the wrong width', () => {
  it.each(Object.keys(OBJECTIVES))('%s: fit throws a ShapeError naming data, and leaks nothing', async (name) => {
    const config = validateConfig({ objective: name, hidden: [4] });
    const good = tf.randomNormal([32, 2]) as tf.Tensor2D;
    const wide = tf.randomNormal([32, 3]) as tf.Tensor2D;
    // fce trains against the run's flow; the flow recipe trains the flow itself as the model.
    const flow = buildFlow({ ...config, flowLayers: 1, flowWidth: 4 }, good, prngKey(2));
    const recipe = densityRecipe(name);
    const model = recipe.model === 'flow' ? flow : mlpEnergy({ inputShape: [2], hidden: [4], key: prngKey(0) });
    const disposers: (() => void)[] = [];
    const objective = buildObjective(config, { sampler: buildSampler(config), data: good, flow: () => flow, onDispose: (dispose) => disposers.push(dispose) });
    const optimizer = adam({ learningRate: 0.1 });
    const attempt = async (): Promise<void> => {
      const error = await fit(model, objective, wide, { optimizer, steps: 2, batchSize: 8, key: prngKey(1) }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ShapeError);
      expect((error as Error).message).toMatch(/^data: rows of shape \[3\] do not fit the model/);
    };
    await expectNoLeaksAsync(attempt, 20);
    optimizer.dispose();
    for (const dispose of disposers) dispose();
    tf.dispose([good, wide, ...new Set([...model.variables, ...flow.variables])]);
  });
});

describeBackends('every conditional objective recipe on pairs of the wrong width', () => {
  it.each(Object.keys(CONDITIONAL_OBJECTIVES) as ConditionalObjectiveName[])('%s: fit throws a ShapeError naming data, and leaks nothing', async (name) => {
    const dataset = CONDITIONAL_OBJECTIVES[name].data === 'digits' ? 'digits' : 'branching';
    const config = validateConfig({ objective: name, dataset, dataSize: 64, testSize: 16, hidden: [4], backend: tf.getBackend() });
    const session = await openConditionalSession(config);
    // One column too many: the packed pairs [N, Dx + Dy + 1] fit no conditional model.
    const wide = tf.concat([session.data, tf.zeros([session.data.shape[0], 1])], 1);
    const attempt = async (): Promise<void> => {
      const error = await fit(session.model, session.objective, wide, { optimizer: session.optimizer, steps: 2, batchSize: 8, key: prngKey(1) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ShapeError);
      expect((error as Error).message).toMatch(/^data: rows of shape \[\d+\] do not fit the model: batch: must be packed pairs/);
    };
    await expectNoLeaksAsync(attempt, 20);
    wide.dispose();
    session.dispose();
  });
});
