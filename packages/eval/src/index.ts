/**
 * `@ebm/eval`: evaluation of energy models. Exact 1-D and 2-D evaluation by quadrature (log Z with an
 * error bound, test NLL, KL to a known density, a normalised density grid) and the MMD two-sample
 * statistic for any dimension.
 */
export { DEFAULT_CHUNK_SIZE, DEFAULT_GRID, type GridOptions, type PointFunction } from './lattice.js';
export { type Interval, type LogPartition1dOptions, type LogPartition1dResult, checkInterval, logPartition1d } from './log-partition-1d.js';
export { type LogPartition2dOptions, type LogPartition2dResult, logPartition2d } from './log-partition.js';
export { type Nll2dOptions, type Nll2dResult, nll2d } from './nll.js';
export { type Kl2dOptions, type Kl2dResult, kl2d } from './kl.js';
export { type DensityGrid, densityGrid } from './density-grid.js';
export { type MmdOptions, type MmdResult, mmd } from './mmd.js';
export { type CalibrationBin, type CalibrationResult, expectedCalibrationError } from './calibration.js';
export { type AurocResult, auroc } from './auroc.js';
