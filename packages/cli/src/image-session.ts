/**
 * What every command builds from an image run's config: the backend, the images (train and test,
 * preprocessed for the model), the model, its sampler and training objective, always in the same
 * order from the same keys, so `--resume`, `ebm sample` and `ebm eval` see what training saw.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { type Distribution, type EnergyModel, type Key, type Objective, type Sampler, prngKey, split, uniformDistribution, useBackend } from '@ebm/core';
import { convEnergy, mlpEnergy } from '@ebm/core/models';
import { contrastiveDivergence } from '@ebm/cd';
import { type ImageDataset, MNIST_SOURCES, digitsImageDataset, imagesToTensor } from '@ebm/datasets';
import { loadDigits, loadImageFolder } from '@ebm/datasets/node';
import { pixelBernoulli } from '@ebm/eval';
import { langevin } from '@ebm/mcmc-langevin';
import { type RBM, bernoulliRBM, blockGibbs, visibleBiasFromData } from '@ebm/rbm';
import { ConfigError } from './config.js';
import type { ImageConfig } from './image-config.js';
import { checkRunFits, imageRunSize } from './run-size.js';
import { buildOptimizer } from './session.js';

/** Where Debian's dataset-fashion-mnist puts the files: the default `--data-dir` of fashion-mnist. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** Everything a command needs for one image run; `dispose()` frees its tensors. */
export interface ImageSession {
  readonly config: ImageConfig;
  readonly dataset: ImageDataset;
  /**
   * Training images as the model sees them: `[N, H, W, C]` intensities in [0, 1] with uniform
   * dequantisation noise (conv, mlp), or `[N, H*W*C]` stochastically binarised pixels (rbm).
   */
  readonly data: tf.Tensor;
  /** Test images in the same form (not dequantised). */
  readonly test: tf.Tensor;
  readonly model: EnergyModel;
  /** The model when it is an RBM (filters, log-likelihood). */
  readonly rbm: RBM | undefined;
  /** The training sampler: SGLD (`langevin`, clamped to [0, 1]) or block Gibbs for an RBM. */
  readonly sampler: Sampler;
  /** Where fresh chains start: uniform noise in [0, 1], or the data's per-pixel Bernoulli model for an RBM. */
  readonly chainStart: Distribution;
  readonly objective: Objective;
  readonly optimizer: tf.Optimizer;
  /** The key `fit` runs with. */
  readonly trainKey: Key;
  /** The key model samples (pictures, metrics) are drawn with. */
  readonly sampleKey: Key;
  /** The key of the evaluation (classifier, baselines, restoration, AIS). */
  readonly evalKey: Key;
  dispose(): void;
}

/** Loads the data set a config names (the bundled digits, or an IDX folder). */
async function loadImageDataset(config: ImageConfig): Promise<ImageDataset> {
  if (config.dataset === 'digits') {
    const { images, labels } = await loadDigits({ scale: false });
    const pixels = images.dataSync() as Float32Array;
    images.dispose();
    return digitsImageDataset({ pixels, labels });
  }
  const dir = config.dataDir !== '' ? config.dataDir : config.dataset === 'fashion-mnist' && existsSync(FASHION_MNIST_DEBIAN_DIR) ? FASHION_MNIST_DEBIAN_DIR : '';
  if (dir === '') {
    throw new ConfigError(`--data-dir: ${config.dataset} needs the folder of its four IDX files (raw or .gz): ${MNIST_SOURCES[config.dataset]}.`);
  }
  return loadImageFolder(config.dataset, dir);
}

/** Selects the backend and builds everything an image run needs from its config; a run that cannot fit (`checkRunFits`) is refused once its data set is read, before any tensor is built. */
export async function openImageSession(config: ImageConfig): Promise<ImageSession> {
  await useBackend(config.backend);
  const [dataKey, testKey, modelKey, trainKey, sampleKey, evalKey] = split(prngKey(config.seed), 6) as [Key, Key, Key, Key, Key, Key];
  const dataset = await loadImageDataset(config);
  checkRunFits(imageRunSize(config, dataset));
  const count = config.trainSize === 0 ? dataset.train.count : Math.min(config.trainSize, dataset.train.count);
  const [imageShape, pixels] = [dataset.imageShape, dataset.imageShape[0] * dataset.imageShape[1] * dataset.imageShape[2]];
  const isRbm = config.model === 'rbm';
  const [data, test] = isRbm
    ? tf.tidy(() => [
        tf.reshape(imagesToTensor(dataset, dataset.train, { count, binarize: 'stochastic', key: dataKey }), [count, pixels]),
        tf.reshape(imagesToTensor(dataset, dataset.test, { binarize: 'stochastic', key: testKey }), [dataset.test.count, pixels]),
      ])
    : [imagesToTensor(dataset, dataset.train, { count, dequantize: dataKey }), imagesToTensor(dataset, dataset.test)];

  let model: EnergyModel;
  let rbm: RBM | undefined;
  let sampler: Sampler;
  let chainStart: Distribution;
  let objective: Objective;
  if (isRbm) {
    const bias = visibleBiasFromData(data);
    rbm = bernoulliRBM({ visible: pixels, hidden: config.rbmHidden, key: modelKey, visibleBias: bias, name: 'rbm' });
    bias.dispose();
    model = rbm;
    sampler = blockGibbs(rbm, { k: config.gibbsSteps });
    chainStart = pixelBernoulli(data);
    objective = contrastiveDivergence({ sampler, k: 1, init: config.rbmObjective === 'pcd' ? 'persistent' : 'data' });
  } else {
    const options = { inputShape: imageShape, hidden: config.hidden, activation: config.activation, key: modelKey, name: 'energy' };
    model = config.model === 'conv' ? convEnergy({ ...options, channels: config.channels }) : mlpEnergy(options);
    sampler = langevin({ stepSize: config.stepSize, noiseScale: config.noiseScale, gradClip: config.gradClip, clamp: [0, 1] });
    chainStart = uniformDistribution({ eventShape: imageShape, low: 0, high: 1 });
    objective = contrastiveDivergence({
      sampler,
      k: config.mcmcSteps,
      alpha: config.alpha,
      init: config.objective === 'replay' ? 'replay' : config.objective === 'pcd' ? 'persistent' : 'data',
      persistentStart: 'noise',
      noise: chainStart,
      bufferSize: config.bufferSize,
      restartProbability: config.reinitProbability,
    });
  }
  const optimizer = buildOptimizer(config);
  return {
    config,
    dataset,
    data,
    test,
    model,
    rbm,
    sampler,
    chainStart,
    objective,
    optimizer,
    trainKey,
    sampleKey,
    evalKey,
    dispose: () => {
      tf.dispose([data, test, ...model.variables]);
      chainStart.dispose?.();
      optimizer.dispose();
    },
  };
}

/**
 * Sampler steps of fresh chains (`--sample-steps`, 0 = auto): 3 x the training's SGLD steps, or
 * 1000 Gibbs sweeps for an RBM.
 *
 * @example
 * sampleStepsOf({ ...config, sampleSteps: 0, mcmcSteps: 20 }); // 60
 */
export function sampleStepsOf(config: ImageConfig): number {
  if (config.sampleSteps > 0) return config.sampleSteps;
  return config.model === 'rbm' ? 1000 : 3 * config.mcmcSteps;
}
