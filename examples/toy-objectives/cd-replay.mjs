// Contrastive divergence with a replay buffer (Du & Mordatch 2019): negatives come from short
// Langevin chains started from a buffer of past negatives, 5% restarted from fresh noise.
// Run: node cd-replay.mjs [--steps N]
import { contrastiveDivergence } from '@ebm/cd';
import { uniformDistribution } from '@ebm/core';
import { langevin } from '@ebm/mcmc-langevin';
import { trainOnToy } from './toy.mjs';

await trainOnToy(
  'replay CD + Langevin',
  () =>
    contrastiveDivergence({
      sampler: langevin({ stepSize: 0.01 }), // noise sqrt(2 * 0.01) = 0.14: the textbook chain
      k: 20,
      init: 'replay',
      bufferSize: 10_000,
      restartProbability: 0.05,
      noise: uniformDistribution({ eventShape: [2], low: -4, high: 4 }), // fresh chains start anywhere in the data's box
      alpha: 0.1, // keeps energies near 0 so the chains stay well conditioned
    }),
  { steps: 2000 },
);
