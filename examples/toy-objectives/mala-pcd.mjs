// Persistent contrastive divergence (Tieleman 2008) with MALA chains carried across updates.
// Run: node mala-pcd.mjs [--steps N]
import { contrastiveDivergence } from '@ebm/cd';
import { mala } from '@ebm/mcmc-langevin';
import { trainOnToy } from './toy.mjs';

await trainOnToy(
  'PCD + MALA',
  () => contrastiveDivergence({ sampler: mala({ stepSize: 0.05 }), k: 10, init: 'persistent', persistentStart: 'data' }),
  { steps: 2000 },
);
