/**
 * Pictures of conditional runs: p(y | x) as a heatmap over (x, y) beside the truth (1-D targets),
 * p(y | x) at a few inputs (2-D targets), a grid of 8x8 images (class-conditional samples), and a
 * reliability diagram.
 */
import type { CalibrationBin, DensityGrid } from '@ebm/eval';
import { PNG } from 'pngjs';
import type * as vl from 'vega-lite';
import { PANEL, type Points, SCHEMA, type Spec, baseConfig, panel } from './plots.js';

/** A titled heatmap: a grid whose `density` is on its `box`. */
export interface TitledGrid {
  readonly title: string;
  readonly grid: Pick<DensityGrid, 'box' | 'grid' | 'density'>;
}

/**
 * Heatmaps side by side (one row per entry of `rows`), all on one colour scale from 0 to the
 * largest density of any of them, with `points` overlaid on the last panel of each row.
 */
export function heatmapRowsSpec(
  rows: readonly (readonly TitledGrid[])[],
  points: Points,
  title: string,
  labels: { readonly x: string; readonly y: string; readonly legend: string },
): vl.TopLevelSpec {
  const max = Math.max(...rows.flat().map((g) => g.grid.density.reduce((a, b) => Math.max(a, b), 0)));
  const row = (grids: readonly TitledGrid[]): Spec => ({
    hconcat: grids.map((g, i) => panel(g.grid, i === grids.length - 1 ? points : [], g.title, 'white', labels, max)),
  });
  return {
    $schema: SCHEMA,
    // The offset keeps the run's title clear of the first row's panel titles.
    title: { text: title, anchor: 'middle', offset: 24 },
    config: baseConfig,
    vconcat: rows.map(row),
    resolve: { scale: { color: 'shared' } },
  } as unknown as vl.TopLevelSpec;
}

/** Pixels per image pixel in {@link imageGridPng}. */
const IMAGE_SCALE = 4;
/** White pixels between images. */
const IMAGE_GAP = 1;

/**
 * Square grey images (`side x side`, row-major, values in [0, 1], 1 = black ink) as one PNG,
 * `columns` per row, each pixel drawn `IMAGE_SCALE` times larger.
 */
export function imageGridPng(images: readonly (readonly number[])[], columns: number, side: number): Uint8Array {
  const rows = Math.ceil(images.length / columns);
  const cell = side * IMAGE_SCALE + IMAGE_GAP;
  const png = new PNG({ width: columns * cell + IMAGE_GAP, height: rows * cell + IMAGE_GAP });
  png.data.fill(255);
  images.forEach((image, t) => {
    const [top, left] = [IMAGE_GAP + Math.floor(t / columns) * cell, IMAGE_GAP + (t % columns) * cell];
    for (let i = 0; i < side * IMAGE_SCALE; i++) {
      for (let j = 0; j < side * IMAGE_SCALE; j++) {
        const v = image[Math.floor(i / IMAGE_SCALE) * side + Math.floor(j / IMAGE_SCALE)]!;
        const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
        const k = 4 * ((top + i) * png.width + left + j);
        png.data[k] = grey;
        png.data[k + 1] = grey;
        png.data[k + 2] = grey;
      }
    }
  });
  return PNG.sync.write(png);
}

/** The reliability diagram: accuracy per confidence bin (bars) against the diagonal of perfect calibration. */
export function reliabilitySpec(bins: readonly CalibrationBin[], title: string): vl.TopLevelSpec {
  const values = bins.filter((b) => b.count > 0).map((b) => ({ lo: b.lo, hi: b.hi, accuracy: b.accuracy, count: b.count }));
  const x = { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] }, title: 'confidence' };
  return {
    $schema: SCHEMA,
    title,
    config: baseConfig,
    width: PANEL,
    height: PANEL,
    layer: [
      {
        data: { values },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.8 },
        encoding: { x, x2: { field: 'hi' }, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' }, y2: { datum: 0 } },
      },
      {
        data: { values: [{ lo: 0, accuracy: 0 }, { lo: 1, accuracy: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative' } },
      },
    ],
  } as unknown as vl.TopLevelSpec;
}
