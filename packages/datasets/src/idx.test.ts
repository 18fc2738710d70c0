import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { parseIdx, readIdx } from './idx.js';

/** Builds an IDX file: magic 0x00 0x00 type rank, big-endian sizes, then big-endian elements. */
function idxBytes(typeCode: number, shape: number[], values: number[], bytesPer: number, write: (v: DataView, o: number, x: number) => void): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * bytesPer);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((x, i) => write(view, header + i * bytesPer, x));
  return out;
}

const ubyteImages = () => idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255], 1, (v, o, x) => v.setUint8(o, x));

describeBackends('readIdx (bytes or URL)', () => {
  it('reads a rank-3 ubyte file from bytes, plain and gzipped, and from a URL, as int32 of the declared shape', async () => {
    const bytes = ubyteImages();
    const url = `data:application/octet-stream;base64,${Buffer.from(gzipSync(bytes)).toString('base64')}`;
    for (const source of [bytes, new Uint8Array(gzipSync(bytes)), url]) {
      const t = await readIdx(source);
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([2, 2, 3]);
      expect(Array.from(t.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
      t.dispose();
    }
  });

  it('reads big-endian float32, float64, int16 and sbyte from buffers', async () => {
    const f32 = await readIdx(idxBytes(0x0d, [3], [1.5, -2.25, 1e-3], 4, (v, o, x) => v.setFloat32(o, x, false)));
    expect(f32.dtype).toBe('float32');
    expect(Array.from(f32.dataSync())).toEqual([1.5, -2.25, Math.fround(1e-3)]);
    const f64 = await readIdx(idxBytes(0x0e, [1, 2], [0.5, -8], 8, (v, o, x) => v.setFloat64(o, x, false)).buffer as ArrayBuffer);
    expect(f64.shape).toEqual([1, 2]);
    expect(Array.from(f64.dataSync())).toEqual([0.5, -8]);
    const i16 = await readIdx(idxBytes(0x0b, [2], [-300, 300], 2, (v, o, x) => v.setInt16(o, x, false)));
    expect(Array.from(i16.dataSync())).toEqual([-300, 300]);
    const s8 = parseIdx(idxBytes(0x09, [2], [-1, 127], 1, (v, o, x) => v.setInt8(o, x)));
    expect(Array.from(s8.values)).toEqual([-1, 127]);
    expect(s8.type).toBe('sbyte');
    [f32, f64, i16].forEach((t) => t.dispose());
  });
});

it('rejects a corrupt header or a truncated file, naming the argument', () => {
  const bytes = ubyteImages();
  const badMagic = bytes.slice();
  badMagic[0] = 0x42;
  const badType = bytes.slice();
  badType[2] = 0x07;
  const truncated = bytes.slice(0, bytes.length - 1);
  for (const [input, message] of [
    [badMagic, /two zero bytes/],
    [badType, /unknown element type 0x07/],
    [truncated, /declares shape \[2, 2, 3\]/],
    [bytes.slice(0, 6), /header declares rank 3/],
  ] as const) {
    expect(() => parseIdx(input)).toThrow(InvalidArgumentError);
    expect(() => parseIdx(input)).toThrow(message);
    expect(() => parseIdx(input)).toThrow(/^bytes: /);
  }
});

it('readIdx names the source when a fetch fails, pointing to @ebm/datasets/node for paths', async () => {
  await expect(readIdx('train-images-idx3-ubyte.gz')).rejects.toThrow(/^source: could not fetch .*use readIdx from '@ebm\/datasets\/node'/);
  await expect(readIdx(42 as never)).rejects.toThrow(/^source: must be a URL, a URL string, an ArrayBuffer or a typed array, got number/);
});
