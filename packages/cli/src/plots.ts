/**
 * Pictures of a run, drawn without a browser: a vega-lite spec is compiled to vega, rendered to
 * SVG by a headless vega View, and rasterised to PNG by resvg.
 */
import type { DensityGrid } from '@ebm/eval';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { PNG } from 'pngjs';
import type { MetricsLine } from './run-folder.js';

/** Points as `[x, y]` rows. */
export type Points = readonly (readonly number[])[];

/** Pixels per vega unit when rasterising: 2 gives a sharp picture on high-density screens. */
const PNG_SCALE = 2;
/** A sans font that every Linux with fontconfig has; resvg falls back to any system font. */
const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
/** Panel width and height in vega units. */
export const PANEL = 320;

/** Renders a vega-lite spec to PNG bytes. */
export async function renderPng(spec: vl.TopLevelSpec): Promise<Uint8Array> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** The vega-lite schema every spec names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** A vega-lite sub-spec (a panel or layer); the whole spec is checked as a `TopLevelSpec`. */
export type Spec = Record<string, unknown>;

/** Fonts, no view border, axis and title sizes: the look of every picture. */
export const baseConfig = {
  font: FONT,
  view: { stroke: null },
  axis: { grid: false, labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;

/** `rgb(r, g, b)` (what vega's colour schemes return) as bytes. */
function rgbBytes(color: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color);
  if (m === null) throw new Error(`unexpected colour ${color} from the vega scheme`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The grid's density as a PNG data URL, one pixel per cell coloured by viridis on `[0, max]` (the
 * grid's row 0 is the bottom of the box, the image's row 0 its top). An image layer is smooth
 * where thousands of rect marks leave anti-aliasing seams, and much smaller.
 */
export function heatmapUrl(grid: Pick<DensityGrid, 'grid' | 'density'>, max: number): string {
  const n = grid.grid;
  const viridis = vega.scheme('viridis') as (t: number) => string;
  const png = new PNG({ width: n, height: n });
  grid.density.forEach((p, cell) => {
    const [i, j] = [cell % n, Math.floor(cell / n)];
    const [r, g, b] = rgbBytes(viridis(max > 0 ? p / max : 0));
    const k = 4 * ((n - 1 - j) * n + i);
    png.data[k] = r;
    png.data[k + 1] = g;
    png.data[k + 2] = b;
    png.data[k + 3] = 255;
  });
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Axis and legend titles of a heatmap {@link panel}. */
export interface PanelLabels {
  readonly x: string;
  readonly y: string;
  readonly legend: string;
}

/**
 * One heatmap panel: the grid's density as an image (colour scale from 0 to `max`, by default the
 * grid's largest density, with a legend) and `points` overlaid in `color`. Panels that share a
 * colour scale must share `max`.
 */
export function panel(
  grid: Pick<DensityGrid, 'box' | 'grid' | 'density'>,
  points: Points,
  title: string,
  color: string,
  labels: PanelLabels = { x: 'x1', y: 'x2', legend: 'model p(x)' },
  max = grid.density.reduce((a, b) => Math.max(a, b), 0),
): Spec {
  const [domainX, domainY] = grid.box;
  const inBox = points.filter((p) => p[0]! >= domainX[0] && p[0]! <= domainX[1] && p[1]! >= domainY[0] && p[1]! <= domainY[1]);
  const x = { field: 'x', type: 'quantitative', scale: { domain: domainX, nice: false, zero: false }, title: labels.x };
  const y = { field: 'y', type: 'quantitative', scale: { domain: domainY, nice: false, zero: false }, title: labels.y };
  return {
    title,
    width: PANEL,
    height: PANEL,
    layer: [
      {
        data: { values: [{ x: domainX[0], x2: domainX[1], y: domainY[0], y2: domainY[1], url: heatmapUrl(grid, max) }] },
        mark: { type: 'image', aspect: false },
        encoding: { x, x2: { field: 'x2' }, y, y2: { field: 'y2' }, url: { field: 'url', type: 'nominal' } },
      },
      {
        // Invisible marks that carry the colour scale, so the legend shows the density values.
        data: { values: [{ p: 0 }, { p: max }] },
        mark: { type: 'point', opacity: 0 },
        encoding: { color: { field: 'p', type: 'quantitative', scale: { scheme: 'viridis', domain: [0, max] }, title: labels.legend } },
      },
      {
        data: { values: inBox.map((p) => ({ x: p[0], y: p[1] })) },
        mark: { type: 'circle', size: 5, opacity: 0.6, color },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
    ],
  };
}

/**
 * The learned density `p(x) = exp(-E(x)) / Z` (a `densityGrid` of `@ebm/eval`) as a heatmap, twice: with the data overlaid
 * (left, white) and with model samples overlaid (right, orange). `subject` names what is drawn
 * (default `'model'`; `'flow'` for the flow that FCE trains with the model).
 */
export function densitySpec(grid: DensityGrid, data: Points, samples: Points, title: string, subject = 'model'): vl.TopLevelSpec {
  const labels = { x: 'x1', y: 'x2', legend: subject === 'model' ? 'model p(x)' : `${subject} q(x)` };
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'middle' },
    config: baseConfig,
    hconcat: [
      panel(grid, data, `${subject} density + data`, 'white', labels),
      panel(grid, samples, `${subject} density + ${subject} samples`, '#ff7f0e', labels),
    ],
    resolve: { scale: { color: 'shared' } },
  } as unknown as vl.TopLevelSpec;
}

/** Loss per step (left) and test NLL per evaluation with the floor as a dashed rule (right). */
export function lossSpec(metrics: readonly MetricsLine[], title: string, nllFloor?: number): vl.TopLevelSpec {
  const loss = metrics.map((m) => ({ step: m.step, loss: m.loss }));
  const nll = metrics.filter((m) => m.nll !== undefined && Number.isFinite(m.nll)).map((m) => ({ step: m.step, nll: m.nll }));
  const lossPanel = {
    title: 'training loss',
    width: PANEL,
    height: 220,
    data: { values: loss },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'loss', type: 'quantitative', scale: { zero: false } },
    },
  };
  if (nll.length === 0) return { $schema: SCHEMA, config: baseConfig, ...lossPanel, title } as unknown as vl.TopLevelSpec;
  const floorLayer =
    nllFloor === undefined
      ? []
      : [
          {
            data: { values: [{ floor: nllFloor }] },
            mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'gray' },
            encoding: { y: { field: 'floor', type: 'quantitative' as const, title: 'nats' } },
          },
        ];
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'middle' },
    config: baseConfig,
    hconcat: [
      lossPanel,
      {
        title: nllFloor === undefined ? 'test NLL (nats)' : `test NLL (nats); dashed: floor ${nllFloor.toFixed(3)}`,
        width: PANEL,
        height: 220,
        layer: [
          {
            data: { values: nll },
            mark: { type: 'line', point: { color: '#d62728' }, color: '#d62728' },
            encoding: {
              x: { field: 'step', type: 'quantitative' },
              y: { field: 'nll', type: 'quantitative', scale: { zero: false }, title: 'nats' },
            },
          },
          ...floorLayer,
        ],
      },
    ],
  } as unknown as vl.TopLevelSpec;
}
