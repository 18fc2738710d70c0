import { describe, expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { bernoulliRBM } from '@ebm/rbm';
import { prngKey } from '@ebm/core';
import { convEnergy, mlpEnergy } from '@ebm/core/models';
import * as tf from '@tensorflow/tfjs';
import { validateImageConfig } from './image-config.js';
import { checkRunFits, formatBytes, imageModelSize, imageRunSize, memoryEstimate, memoryLimits, parameterCount, pointRunSize } from './run-size.js';

describe('run sizes', () => {
  it('counts the MLP parameters on 2-D inputs: weights and biases of every layer and the output', () => {
    // 2 -> 64 -> 64 -> 1: (2*64 + 64) + (64*64 + 64) + (64 + 1).
    expect(parameterCount([64, 64])).toBe(192 + 4160 + 65);
    expect(parameterCount([8])).toBe(2 * 8 + 8 + 8 + 1);
  });

  it('estimates 80 B per data row, 24 B per parameter, 32 B per evaluated row and unit', () => {
    const config = validateConfig({ dataSize: 1000, testSize: 500, hidden: [10, 20], batchSize: 100, sampleSize: 5000 });
    expect(memoryEstimate(config).map((part) => part.bytes)).toEqual([1500 * 80, parameterCount([10, 20]) * 24, 5000 * 30 * 32]);
  });

  it('refuses a run above the limits, naming the largest part and its flags, and accepts one below', () => {
    const limits = { tensorBytes: 1e9, tensorWhat: 'a test limit', heapBytes: 1e9 };
    const config = validateConfig({ dataSize: 13_000_000, testSize: 1000 });
    expect(() => checkRunFits(pointRunSize(config), limits)).toThrow(
      /^The run needs about 1.1 GB of memory, more than a test limit \(1 GB\); the data alone takes about 1 GB \(--data-size 13000000, --test-size 1000\)\. Lower --data-size or --test-size\.$/,
    );
    expect(() => checkRunFits(pointRunSize(validateConfig({ hidden: [20000, 20000] })), limits)).toThrow(/the model and its optimizer state alone takes about 9.6 GB \(--hidden 20000,20000\)\. Lower --hidden\.$/);
    expect(() => checkRunFits(pointRunSize(validateConfig({ dataSize: 10_000_000 })), limits)).not.toThrow();
    expect(() => checkRunFits(pointRunSize(validateConfig({ dataSize: 50_000_000 })), { ...limits, tensorBytes: 1e12 })).toThrow(
      /^--data-size 50000000 needs about 1.2 GB of JavaScript heap, more than Node's limit \(1 GB\)\. Lower --data-size, or raise the limit with NODE_OPTIONS/,
    );
    expect(() => checkRunFits(pointRunSize(validateConfig({ dataSize: 100, batchSize: 101 })), limits)).toThrow(/^--batch-size 101 is larger than --data-size 100/);
    // jem and classifier runs train on the 1,438 training digits whatever --data-size says.
    const jem = (batchSize: number) => validateConfig({ dataset: 'digits', objective: 'jem', dataSize: 100, batchSize });
    expect(() => checkRunFits(pointRunSize(jem(200)), limits)).not.toThrow();
    expect(() => checkRunFits(pointRunSize(jem(1500)), limits)).toThrow(/^--batch-size 1500 is larger than the 1438 training digits of --dataset digits: .*Lower --batch-size\.$/);
  });

  it('wasm is limited to its 4 GiB address space; the default config fits', () => {
    expect(memoryLimits('wasm').tensorBytes).toBeLessThanOrEqual(65535 * 65536);
    expect(() => checkRunFits(pointRunSize(validateConfig({})))).not.toThrow();
  });

  it('formats bytes with decimal units', () => {
    expect([999, 1536, 4294901760, 9.6e11, 1.2e15].map(formatBytes)).toEqual(['999 B', '1.5 KB', '4.3 GB', '960 GB', '1.2 PB']);
  });

  it('counts the parameters of the image models as they are built: conv, MLP, RBM', () => {
    const key = prngKey(1);
    const count = (variables: readonly tf.Variable[]) => variables.reduce((sum, v) => sum + v.size, 0);
    const built = [
      [{ model: 'conv', channels: [4, 6], hidden: [8] }, convEnergy({ inputShape: [28, 28, 1], channels: [4, 6], hidden: [8], key })],
      [{ model: 'mlp', hidden: [16, 8] }, mlpEnergy({ inputShape: [28, 28, 1], hidden: [16, 8], key })],
      [{ model: 'rbm', rbmHidden: 12 }, bernoulliRBM({ visible: 784, hidden: 12, key })],
    ] as const;
    for (const [config, model] of built) {
      expect(imageModelSize(validateImageConfig(config), [28, 28, 1]).parameters, config.model).toBe(count(model.variables));
      tf.dispose([...model.variables]);
    }
  });

  it('refuses an image run above the limits or with a batch above its images, naming the flag, and accepts the default recipes', () => {
    const limits = { tensorBytes: 1e9, tensorWhat: 'a test limit', heapBytes: 1e9 };
    const mnist = { imageShape: [28, 28, 1] as const, train: { count: 60_000 }, test: { count: 10_000 } };
    const digits = { imageShape: [8, 8, 1] as const, train: { count: 1438 }, test: { count: 359 } };
    const image = (input: Record<string, unknown>) => validateImageConfig({ dataset: 'mnist', ...input });
    // 1e7 buffer images of 784 pixels at 8 B a pixel: 62.7 GB.
    expect(() => checkRunFits(imageRunSize(image({ bufferSize: 10_000_000 }), mnist), limits)).toThrow(
      /^The run needs about 6\d GB of memory, more than a test limit \(1 GB\); the replay buffer alone takes about 63 GB \(--buffer-size 10000000\)\. Lower --buffer-size\.$/,
    );
    expect(() => checkRunFits(imageRunSize(image({ channels: [512, 512], batchSize: 512 }), mnist), limits)).toThrow(
      /the activations of one energy evaluation alone takes about [\d.]+ GB \(--channels 512,512, --hidden 128, --batch-size 512, --sample-size 500\)\. Lower --channels or --hidden or --batch-size or --sample-size\.$/,
    );
    expect(() => checkRunFits(imageRunSize(image({ trainSize: 100, batchSize: 128 }), mnist), limits)).toThrow(
      /^--batch-size 128 is larger than --train-size 100: a minibatch draws rows .* Lower --batch-size or raise --train-size\.$/,
    );
    expect(() => checkRunFits(imageRunSize(validateImageConfig({ batchSize: 2000 }), digits), limits)).toThrow(
      /^--batch-size 2000 is larger than the 1438 training images of digits: .* Lower --batch-size\.$/,
    );
    expect(() => checkRunFits(imageRunSize(image({}), mnist))).not.toThrow();
    expect(() => checkRunFits(imageRunSize(image({ model: 'rbm', rbmHidden: 500 }), mnist))).not.toThrow();
    expect(() => checkRunFits(imageRunSize(validateImageConfig({}), digits))).not.toThrow();
  });
});
