import { describe, expect, it } from 'vitest';
import { type ImageQuality, type ImageSummary, imageDivergence } from './image-evaluation.js';

const quality: ImageQuality = { count: 8, frechetDistance: 3, counts: [4, 4], classesCovered: 2, normalizedEntropy: 1, meanConfidence: 0.9, inceptionScore: 2 };

/** A finished RBM run's summary on 64 binary pixels, with `testLogLikelihood` as given. */
const rbmSummary = (testLogLikelihood: number): Omit<ImageSummary, 'status' | 'problems'> => ({
  dataset: 'digits',
  model: 'rbm',
  objective: 'pcd-1',
  steps: 3,
  seconds: 1,
  loss: 0.5,
  backend: 'cpu',
  classifierAccuracy: 0.9,
  samples: { ...quality, from: 'pixel-mean Bernoulli', steps: 10 },
  reference: { realImages: quality, pixelBernoulli: quality, gaussian: quality },
  rbm: { method: 'exact', logZ: 10, testLogLikelihood, trainLogLikelihood: -20 },
});

describe('imageDivergence', () => {
  it("names a non-finite RBM test likelihood by its summary.json key, rbm.testLogLikelihood, and nothing else", () => {
    expect(imageDivergence(rbmSummary(Number.NaN), 64)).toEqual(['rbm.testLogLikelihood is NaN']);
    expect(imageDivergence(rbmSummary(Number.NEGATIVE_INFINITY), 64)).toEqual(['rbm.testLogLikelihood is -Infinity']);
  });

  it('flags a finite test NLL more than 10 nats above the uniform model (64 log 2 = 44.36), and only then', () => {
    expect(imageDivergence(rbmSummary(-30), 64)).toEqual([]);
    expect(imageDivergence(rbmSummary(-54), 64)).toEqual([]);
    expect(imageDivergence(rbmSummary(-60), 64)).toEqual(["the test NLL 60.0 is 15.6 nats worse than a constant energy's (44.36)"]);
  });

  it('names non-finite sample distances by their keys', () => {
    const summary = { ...rbmSummary(-30), freshSamples: { ...quality, frechetDistance: Number.NaN, from: 'uniform noise' as const, steps: 60 } };
    expect(imageDivergence(summary, 64)).toEqual(['freshSamples.frechetDistance is NaN']);
  });
});
