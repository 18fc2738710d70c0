/**
 * A reader for IDX files, the format of MNIST, Fashion-MNIST and EMNIST
 * (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE").
 *
 * Layout, all integers big-endian:
 *
 *   bytes 0-1   0x00 0x00
 *   byte  2     element type: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     rank r (number of dimensions)
 *   bytes 4..   r sizes, each an unsigned 32-bit integer
 *   then        prod(sizes) elements, row-major, big-endian
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { type DataSource, readSource, sourceName } from './bytes.js';

/** IDX element types: code -> name, bytes per element, and the tfjs dtype they load as. */
const IDX_TYPES: Readonly<Record<number, { name: IdxType; bytes: number; dtype: 'int32' | 'float32' }>> = {
  0x08: { name: 'ubyte', bytes: 1, dtype: 'int32' },
  0x09: { name: 'sbyte', bytes: 1, dtype: 'int32' },
  0x0b: { name: 'int16', bytes: 2, dtype: 'int32' },
  0x0c: { name: 'int32', bytes: 4, dtype: 'int32' },
  0x0d: { name: 'float32', bytes: 4, dtype: 'float32' },
  0x0e: { name: 'float64', bytes: 8, dtype: 'float32' },
};

/** The element types an IDX file can hold. */
export type IdxType = 'ubyte' | 'sbyte' | 'int16' | 'int32' | 'float32' | 'float64';

/** The decoded contents of an IDX file. */
export interface IdxData {
  /** Element type as written in the file. */
  readonly type: IdxType;
  /** Dimension sizes from the header, e.g. `[60000, 28, 28]` for MNIST training images. */
  readonly shape: number[];
  /** The elements, row-major: `Int32Array` for integer types, `Float32Array` for float32/float64. */
  readonly values: Int32Array | Float32Array;
}

/**
 * Decodes an uncompressed IDX byte buffer (see the module comment for the layout). Works in the
 * browser too. Throws an `InvalidArgumentError` naming `bytes` (or `source`, the file they came
 * from, when given) when the header is corrupt or the data is shorter or longer than the header
 * declares (an empty or truncated file).
 *
 * @example
 * const { shape, values } = parseIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function parseIdx(bytes: Uint8Array, source?: string): IdxData {
  const fail = (what: string): never => {
    const [argument, subject] = source === undefined ? ['bytes', ''] : ['source', `${source} `];
    throw new InvalidArgumentError(argument, `${subject}is not a valid IDX file: ${what}. Pass an MNIST-format file (gunzip it first, or use readIdx).`);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes is shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`the magic number must start with two zero bytes, got 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}`);
  const type = IDX_TYPES[bytes[2]!];
  if (!type) fail(`unknown element type 0x${hex(bytes[2]!)} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)`);
  const rank = bytes[3]!;
  if (rank === 0) fail('rank 0 (the header declares no dimensions)');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`the header declares rank ${rank} (${headerBytes} header bytes) but the file has only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type!.bytes;
  if (bytes.length !== expected) {
    fail(`the header declares shape [${shape.join(', ')}] of ${type!.name} (${expected} bytes in all) but the file has ${bytes.length} bytes`);
  }
  const values = type!.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  const read: (offset: number) => number = {
    ubyte: (o: number) => view.getUint8(o),
    sbyte: (o: number) => view.getInt8(o),
    int16: (o: number) => view.getInt16(o, false),
    int32: (o: number) => view.getInt32(o, false),
    float32: (o: number) => view.getFloat32(o, false),
    float64: (o: number) => view.getFloat64(o, false),
  }[type!.name];
  for (let i = 0; i < count; i++) values[i] = read(headerBytes + i * type!.bytes);
  return { type: type!.name, shape, values };
}

/**
 * The tensor of an IDX file's (uncompressed) contents: `int32` for the integer types, `float32`
 * for float32/float64. Errors name `name`, the file the bytes came from.
 */
export function idxTensor(bytes: Uint8Array, name: string): tf.Tensor {
  const { shape, values } = parseIdx(bytes, name);
  return tf.tensor(values, shape, values instanceof Int32Array ? 'int32' : 'float32');
}

/**
 * Reads an IDX file (MNIST format, see {@link parseIdx}) from its bytes or a URL (browsers,
 * workers and Node), gunzipping it first when it is gzip-compressed (`train-images-idx3-ubyte.gz`
 * works as is), and returns it as a tensor of the declared shape: `int32` for the integer types,
 * `float32` for float32/float64. For a file path in Node, use `readIdx` from
 * `@ebm/datasets/node`. The caller owns the tensor.
 *
 * @example
 * const images = await readIdx(new URL('train-images-idx3-ubyte.gz', location.href)); // [60000, 28, 28]
 * const x = tf.div(tf.reshape(images, [60000, 784]), 255);
 */
export async function readIdx(source: DataSource): Promise<tf.Tensor> {
  return idxTensor(await readSource(source, 'source', 'readIdx'), sourceName(source));
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0').toUpperCase();
}
