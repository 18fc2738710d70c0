import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { uniqueName } from './names.js';

it('uniqueName skips prefixes of live variables and reuses disposed ones', () => {
  expect(uniqueName('names-test')).toBe('names-test');
  const a = tf.variable(tf.scalar(1), true, 'names-test/a');
  expect(uniqueName('names-test')).toBe('names-test_1');
  const b = tf.variable(tf.scalar(1), true, 'names-test_1/a');
  expect(uniqueName('names-test')).toBe('names-test_2');
  a.dispose();
  expect(uniqueName('names-test')).toBe('names-test');
  b.dispose();
});
