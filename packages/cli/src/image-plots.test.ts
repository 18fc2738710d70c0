import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageGridPng } from './image-plots.js';

/** The grey level at image pixel (i, j) of grid cell n, with the grid's geometry (2-pixel gaps). */
function greyAt(png: PNG, n: number, i: number, j: number, { columns, height, width, scale }: { columns: number; height: number; width: number; scale: number }): number {
  const [top, left] = [Math.floor(n / columns) * (height * scale + 2) + 2, (n % columns) * (width * scale + 2) + 2];
  return png.data[4 * ((top + i * scale) * png.width + left + j * scale)]!;
}

describe('imageGridPng', () => {
  it('draws each image pixel as a magnified grey square, white for high intensity, in a grid with grey gaps', () => {
    // Three 2x2 images: 0 / 1 / 0.5 everywhere, with the first pixel of image 2 out of range (-1).
    const values = [0, 0, 0, 0, 1, 1, 1, 1, -1, 0.5, 0.5, 0.5];
    const png = PNG.sync.read(Buffer.from(imageGridPng(values, 3, 2, 2, { columns: 2, scale: 3 })));
    const geometry = { columns: 2, height: 2, width: 2, scale: 3 };
    expect([png.width, png.height]).toEqual([2 * (2 * 3 + 2) + 2, 2 * (2 * 3 + 2) + 2]);
    expect(greyAt(png, 0, 1, 1, geometry)).toBe(0);
    expect(greyAt(png, 1, 0, 1, geometry)).toBe(255);
    expect(greyAt(png, 2, 0, 0, geometry)).toBe(0); // clipped
    expect(greyAt(png, 2, 1, 1, geometry)).toBe(128);
    expect(png.data[0]).toBe(128); // the gap
    expect(png.data[3]).toBe(255); // opaque
  });

  it('maps each image to its own min..max with normalizeEach, and [-1, 1] with range', () => {
    const values = [-3, 1, 1, 1];
    const own = PNG.sync.read(Buffer.from(imageGridPng(values, 1, 2, 2, { scale: 1, normalizeEach: true })));
    expect([own.data[4 * (2 * own.width + 2)], own.data[4 * (2 * own.width + 3)]]).toEqual([0, 255]);
    const signed = PNG.sync.read(Buffer.from(imageGridPng([0, 0, 0, 0], 1, 2, 2, { scale: 1, range: [-1, 1] })));
    expect(signed.data[4 * (2 * signed.width + 2)]).toBe(128);
  });
});
