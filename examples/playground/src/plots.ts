/** Drawing on canvases: the density heatmap, point clouds, and the loss curve. */
import { BOX } from './settings.js';

/** Viridis at 9 evenly spaced stops (matplotlib's colormap), interpolated linearly between them. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

function viridis(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Canvas pixel of a point of the box (y up). */
export function toPixel(canvas: HTMLCanvasElement, x: number, y: number): [number, number] {
  const [[x0, x1], [y0, y1]] = BOX;
  return [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
}

/** The point of the box under a canvas pixel (CSS pixels of a mouse event). */
export function fromPixel(canvas: HTMLCanvasElement, px: number, py: number): [number, number] {
  const [[x0, x1], [y0, y1]] = BOX;
  const rect = canvas.getBoundingClientRect();
  return [x0 + (px / rect.width) * (x1 - x0), y1 - (py / rect.height) * (y1 - y0)];
}

/** Paints a `grid x grid` density (row 0 at the bottom) over the canvas, colour = density / max. */
export function drawDensity(canvas: HTMLCanvasElement, density: Float32Array, grid: number): void {
  const context = canvas.getContext('2d')!;
  const image = new ImageData(grid, grid);
  let max = 0;
  for (const d of density) max = Math.max(max, d);
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      const [r, g, b] = viridis(max > 0 ? density[j * grid + i]! / max : 0);
      const p = 4 * ((grid - 1 - j) * grid + i);
      image.data.set([r, g, b, 255], p);
    }
  }
  const cells = new OffscreenCanvas(grid, grid);
  cells.getContext('2d')!.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(cells, 0, 0, canvas.width, canvas.height);
}

/** Draws points (x0 y0 x1 y1 ...) as small dots. */
export function drawPoints(canvas: HTMLCanvasElement, points: ArrayLike<number>, colour: string, radius = 1.5): void {
  const context = canvas.getContext('2d')!;
  context.fillStyle = colour;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = toPixel(canvas, points[i]!, points[i + 1]!);
    context.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
  }
}

/** Clears a canvas to a colour. */
export function clear(canvas: HTMLCanvasElement, colour: string): void {
  const context = canvas.getContext('2d')!;
  context.fillStyle = colour;
  context.fillRect(0, 0, canvas.width, canvas.height);
}

/** What {@link drawCurves} plots: losses from `firstStep` on, and evaluations (`label`: "NLL gap" or "NLL") at some steps. */
export interface Curves {
  readonly firstStep: number;
  readonly losses: readonly number[];
  readonly evaluations: readonly { readonly step: number; readonly value: number }[];
  readonly label: string;
  readonly totalSteps: number;
}

/**
 * The loss per step (light), its running mean over 50 steps (dark), and the exact NLL or NLL gap
 * at the evaluated steps (orange squares, right axis), against the step.
 */
export function drawCurves(canvas: HTMLCanvasElement, curves: Curves): void {
  const { firstStep, losses, evaluations: gaps, label, totalSteps } = curves;
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const pad = { left: 44, right: 44, top: 10, bottom: 22 };
  clear(canvas, '#ffffff');
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#444';
  context.fillText('step', width - pad.right - 24, height - 6);
  const steps = Math.max(totalSteps, firstStep + losses.length, 1);
  const xOf = (step: number) => pad.left + (step / steps) * (width - pad.left - pad.right);
  const axis = (values: readonly number[]) => {
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0) return undefined;
    let [lo, hi] = [Math.min(...finite), Math.max(...finite)];
    if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
    return { lo, hi, yOf: (v: number) => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom) };
  };
  const smooth: number[] = [];
  let sum = 0;
  losses.forEach((loss, i) => {
    sum += loss - (i >= 50 ? losses[i - 50]! : 0);
    smooth.push(sum / Math.min(i + 1, 50));
  });
  const left = axis(losses);
  if (left) {
    context.fillText(left.hi.toPrecision(3), 2, pad.top + 10);
    context.fillText(left.lo.toPrecision(3), 2, height - pad.bottom);
    context.fillText('loss', 2, height / 2);
    for (const [series, colour] of [[losses, '#b8c7e0'], [smooth, '#1f4e9c']] as const) {
      context.strokeStyle = colour;
      context.beginPath();
      series.forEach((v, i) => (i === 0 ? context.moveTo(xOf(firstStep + i), left.yOf(v)) : context.lineTo(xOf(firstStep + i), left.yOf(v))));
      context.stroke();
    }
  }
  const right = axis(gaps.map((g) => g.value));
  if (right) {
    context.fillStyle = '#d9480f';
    context.fillText(right.hi.toPrecision(3), width - pad.right + 4, pad.top + 10);
    context.fillText(right.lo.toPrecision(3), width - pad.right + 4, height - pad.bottom);
    context.fillText(label, width - pad.right + 2, height / 2);
    for (const { step, value } of gaps) context.fillRect(xOf(step) - 3, right.yOf(value) - 3, 6, 6);
  }
}
