/**
 * `@ebm/eval`: evaluation of energy models. Exact 1-D and 2-D evaluation by quadrature (log Z with
 * an error bound, test NLL, KL to a known density, a normalised density grid), the MMD two-sample
 * statistic for any dimension, calibration (ECE) and out-of-distribution detection (AUROC) of
 * classifiers, and image evaluation: a small classifier trained on the real images, the Fréchet
 * distance in its features, the class spread of samples, a per-pixel Bernoulli baseline, Langevin
 * restoration of corrupted images and PSNR.
 */
export { DEFAULT_CHUNK_SIZE, DEFAULT_GRID, type GridOptions, type PointFunction } from './lattice.js';
export { type Interval, type LogPartition1dOptions, type LogPartition1dResult, checkInterval, logPartition1d } from './log-partition-1d.js';
export { type LogPartition2dOptions, type LogPartition2dResult, logPartition2d } from './log-partition.js';
export { type Nll2dOptions, type Nll2dResult, nll2d } from './nll.js';
export { type Kl2dOptions, type Kl2dResult, kl2d } from './kl.js';
export { type DensityGrid, densityGrid } from './density-grid.js';
export { type MmdOptions, type MmdResult, mmd } from './mmd.js';
export { type ImageClassifier, type ImageClassifierOptions, trainImageClassifier } from './image-classifier.js';
export { frechetDistance } from './frechet-distance.js';
export { symmetricEigenvalues } from './symmetric-eigenvalues.js';
export { COVERED_SHARE, type ClassSpread, classSpread } from './sample-classes.js';
export { type PixelBernoulli, pixelBernoulli } from './pixel-bernoulli.js';
export { type RestoreImagesOptions, maskedEnergy, restoreImages } from './image-restoration.js';
export { type PsnrResult, psnr } from './psnr.js';
export { type CalibrationBin, type CalibrationResult, expectedCalibrationError } from './calibration.js';
export { type AurocResult, auroc } from './auroc.js';
