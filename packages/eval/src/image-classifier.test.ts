import * as tf from '@tensorflow/tfjs';
import { prngKey, split, uniform } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { digitsImageDataset, imagesToTensor, parseDigitsCsv } from '@ebm/datasets';
import { expect, it } from 'vitest';
import { trainImageClassifier } from './image-classifier.js';

/** Two classes of 8x8 images: a bright top half (class 0) or a bright bottom half (class 1), plus noise. */
function halves(key: ReturnType<typeof prngKey>, n: number): { images: tf.Tensor4D; labels: Int32Array } {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const images = tf.tidy(() => {
    const top = tf.concat([tf.ones([1, 4, 8, 1]), tf.zeros([1, 4, 8, 1])], 1);
    const bottom = tf.reverse(top, 1);
    const clean = tf.concat(Array.from(labels, (label) => (label === 0 ? top : bottom)), 0);
    return tf.clipByValue(tf.add(clean, uniform(key, [n, 8, 8, 1], -0.4, 0.4)), 0, 1) as tf.Tensor4D;
  });
  return { images, labels };
}

describeBackends('trainImageClassifier', () => {
  it('separates two easy classes, deterministically given the key, with features of the documented width', () => {
    const [trainKey, testKey] = split(prngKey(1), 2);
    const train = halves(trainKey!, 64);
    const test = halves(testKey!, 32);
    const a = trainImageClassifier(train.images, train.labels, { classes: 2, epochs: 5, batchSize: 16, features: 16, key: prngKey(2) });
    const b = trainImageClassifier(train.images, train.labels, { classes: 2, epochs: 5, batchSize: 16, features: 16, key: prngKey(2) });
    expect(a.accuracy(test.images, test.labels)).toBe(1);
    const [fa, fb] = [a.features(test.images), b.features(test.images)];
    expect(fa.shape).toEqual([32, 16]);
    expect(Array.from(fa.dataSync())).toEqual(Array.from(fb.dataSync()));
    const p = a.probabilities(test.images);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(p, 1), 1))).dataSync()[0])).toBeLessThan(1e-5);
    expectNoLeaks(() => tf.dispose([a.features(test.images), a.logits(test.images)]), 20);
    tf.dispose([train.images, test.images, fa, fb, p]);
    a.dispose();
    b.dispose();
  });

  it('rejects bad labels and images naming the argument', () => {
    const images = tf.zeros([4, 8, 8, 1]);
    expect(() => trainImageClassifier(images, Int32Array.of(0, 1, 2), { classes: 2 })).toThrow(/labels: must be an Int32Array with one label per image \(4\)/);
    expect(() => trainImageClassifier(images, Int32Array.of(0, 1, 2, 1), { classes: 2 })).toThrow(/labels: must lie in 0..1, got 2 at index 2/);
    const classifier = trainImageClassifier(images, Int32Array.of(0, 1, 0, 1), { classes: 2, epochs: 1 });
    expect(() => classifier.features(tf.zeros([2, 4, 4, 1]))).toThrow(/images: has per-image shape \[4, 4, 1\]/);
    classifier.dispose();
    images.dispose();
  });
});

// Training on the 1,438 digits takes a few seconds on wasm and much longer on cpu.
describeBackends(
  'trainImageClassifier on the 8x8 digits',
  () => {
    it('reaches at least 90% test accuracy on the held-out digits', async () => {
      const { readFile } = await import('node:fs/promises');
      const { gunzipSync } = await import('node:zlib');
      const csv = new URL('../../datasets/data/digits.csv.gz', import.meta.url);
      const digits = digitsImageDataset(parseDigitsCsv(gunzipSync(await readFile(csv)).toString('utf8')));
      const train = imagesToTensor(digits, digits.train);
      const test = imagesToTensor(digits, digits.test);
      const classifier = trainImageClassifier(train, digits.train.labels, { classes: 10, epochs: 10, key: prngKey(0) });
      expect(classifier.accuracy(test, digits.test.labels)).toBeGreaterThan(0.9);
      classifier.dispose();
      tf.dispose([train, test]);
    });
  },
  ['wasm'],
);
