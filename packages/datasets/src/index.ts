/**
 * `@ebm/datasets`: data sets for @ebm, browser-safe: 2-D toy densities, bars-and-stripes, the 8x8
 * digits and IDX (MNIST-format) files from bytes or URLs. Reading files from a path (Node) is in
 * `@ebm/datasets/node`.
 */
export type { DataSource } from './bytes.js';
export { DIGITS_COUNT, DIGITS_MAX_VALUE, DIGITS_PIXELS, type Digits, type LoadDigitsOptions, loadDigits, parseDigitsCsv } from './digits.js';
export { type IdxData, type IdxHeader, type IdxType, parseIdx, parseIdxHeader, readIdx } from './idx.js';
export { DIGITS_TEST_EVERY, DIGIT_CLASSES, type ImageDataset, type ImageSplit, digitsImageDataset } from './image-dataset.js';
export {
  FASHION_MNIST_CLASSES,
  MNIST_DATASET_NAMES,
  MNIST_FILES,
  MNIST_SOURCES,
  type MnistDatasetName,
  type MnistFileBytes,
  type MnistFileRole,
  decodeMnist,
} from './mnist.js';
export { BINARIZATIONS, type Binarization, IMAGE_RANGES, type ImageRange, type ImagesToTensorOptions, imagesToTensor } from './image-tensor.js';
export {
  CHECKERBOARD_ENTROPY,
  CIRCLES_ENTROPY,
  EIGHT_GAUSSIANS_ENTROPY,
  RINGS_ENTROPY,
  TOY_DATASET_NAMES,
  type ToyDataset,
  type ToyDatasetName,
  isToyDatasetName,
  toyDatasets,
} from './toy2d.js';
export {
  CIRCLES_RADII,
  CIRCLES_STD,
  EIGHT_GAUSSIANS_CENTERS,
  EIGHT_GAUSSIANS_RADIUS,
  EIGHT_GAUSSIANS_STD,
  RINGS_RADII,
  RINGS_STD,
  sampleCheckerboard,
  sampleCircles,
  sampleEightGaussians,
  sampleMoons,
  samplePinwheel,
  sampleRings,
  sampleSwissroll,
  sampleTwoSpirals,
} from './toy2d-samplers.js';
export {
  BRANCHING_ENTROPY,
  BRANCHING_STD,
  CONDITIONAL_TOY_NAMES,
  type ConditionalToyDataset,
  type ConditionalToyName,
  HETEROSCEDASTIC_ENTROPY,
  RING_ENTROPY,
  RING_STD,
  conditionalToyDatasets,
  isConditionalToyName,
} from './conditional-toys.js';
export {
  checkerboardLogDensity,
  circlesLogDensity,
  eightGaussiansLogDensity,
  logBesselI0e,
  ringsLogDensity,
} from './toy2d-densities.js';
export {
  type BarsAndStripesOptions,
  barsAndStripes,
  barsAndStripesCount,
  barsAndStripesLogLikelihood,
  sampleBarsAndStripes,
} from './bars-and-stripes.js';
