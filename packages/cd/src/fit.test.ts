import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disposeState, normal, prngKey } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { fileCheckpointStore } from '@ebm/core/node';
import { fit, loadCheckpoint } from '@ebm/core/train';
import { describeBackends } from '@ebm/core/testing';
import { mala } from '@ebm/mcmc-langevin';
import { expect, it } from 'vitest';
import { type ChainInit, type ContrastiveDivergenceState, contrastiveDivergence } from './contrastive-divergence.js';

describeBackends('contrastiveDivergence under fit', () => {
  for (const init of ['persistent', 'replay'] as ChainInit[]) {
    it(`trains and checkpoints its ${init} state`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ebm-cd-'));
      const store = fileCheckpointStore(dir);
      const model = gaussianEnergy({ dim: 2 });
      const data = tf.tidy(() => normal(prngKey(0), [32, 2]));
      const objective = contrastiveDivergence({ sampler: mala({ stepSize: 0.1 }), k: 2, init, bufferSize: 64 });
      const steps = 5;
      const result = await fit(model, objective, data, {
        optimizer: tf.train.sgd(0.01),
        steps,
        batchSize: 16,
        key: prngKey(1),
        checkpoint: { store, every: steps },
      });
      expect(result.metrics.every((m) => Number.isFinite(m.energyGap!) && m.acceptanceRate! > 0)).toBe(true);
      const loaded = await loadCheckpoint<ContrastiveDivergenceState>(store, { model });
      const saved = loaded.objectiveState;
      if (init === 'persistent') {
        expect(saved.replay).toBeNull();
        expect(saved.chains!.arraySync()).toEqual(result.state.chains!.arraySync());
      } else {
        expect(saved.chains).toBeNull();
        expect(saved.replay!.buffer.arraySync()).toEqual(result.state.replay!.buffer.arraySync());
        expect(saved.replay!.count).toBe(16 * steps);
      }
      disposeState([saved, result.state]);
      tf.dispose([data, ...model.variables]);
      await rm(dir, { recursive: true });
    });
  }
});
