import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { assertBatch, assertEventShape, assertInteger } from '../validate.js';

/** Options of {@link conv2d}: the geometry of a 2-D convolution over NHWC images. */
export interface Conv2dOptions {
  /** Per-image input shape `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  /** Side `k` of the square kernel (default 3). */
  readonly kernelSize?: number;
  /** Stride `s` in both directions (default 1; 2 halves the resolution). */
  readonly stride?: number;
  /** Zero padding `p` on every side, `0 <= p < k` (default `floor(k / 2)`: 'same' size at stride 1). */
  readonly padding?: number;
}

/**
 * A 2-D convolution layer whose gradients are written by hand out of forward convolutions, a
 * patches x GEMM product and reshapes, so it trains on every backend and differentiates twice.
 */
export interface Conv2d {
  /** `[H, W, C]`. */
  readonly inputShape: readonly [number, number, number];
  /** `[H_out, W_out]`, with `H_out = floor((H + 2p - k) / s) + 1` (the same for W). */
  readonly outputSize: readonly [number, number];
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  /**
   * `y = conv(x, kernel) + bias`: `x` `[N, H, W, C]`, `kernel` `[k, k, C, F]` (tf.conv2d's filter
   * layout), `bias` `[F]`; returns `[N, H_out, W_out, F]`, equal to
   * `tf.conv2d(x, kernel, s, [[0, 0], [p, p], [p, p], [0, 0]]) + bias`.
   */
  apply(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D): tf.Tensor4D;
  /**
   * The input gradient of the convolution (its adjoint, the transposed convolution): given
   * `dy = dL/dy` `[N, H_out, W_out, F]`, returns `dL/dx` `[N, H, W, C]`. What a hand-written
   * backward pass (an energy's `valueAndGrad`) calls; differentiable in `dy` and `kernel`.
   */
  inputGradient(dy: tf.Tensor, kernel: tf.Tensor): tf.Tensor4D;
  /**
   * The kernel gradient of the convolution, `dL/dK = patches(x)^T dL/dy` (patches x GEMM) as
   * `[k, k, C, F]`, given the layer's input `x` `[N, H, W, C]` and `dy = dL/dy`
   * `[N, H_out, W_out, F]` (the bias gradient is `sum_{n, o} dy`). What a hand-written parameter
   * backward pass (an energy's `parameterVjp`) calls.
   */
  kernelGradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor4D;
}

/** One spatial axis of a convolution: input length, kernel taps, stride and zero padding on each side. */
interface Axis {
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
  readonly before: number;
  readonly after: number;
}

/** Output length of a convolution along `axis`: `floor((n + before + after - k) / s) + 1`. */
function outputLength(axis: Axis): number {
  return Math.floor((axis.size + axis.before + axis.after - axis.kernel) / axis.stride) + 1;
}

/**
 * One phase `e` of the transposed convolution along an axis (polyphase decomposition): the input
 * positions `r = s a + e` receive the kernel taps `t = q + s m` (m = 0..M-1, `q = (e + before) mod s`)
 * from the outputs `o = a + c - m` (`c = floor((e + before) / s)`), i.e. a stride-1 correlation of
 * `dy` with those taps in reverse order, padded by `before = M - 1 - c` and `after` so that it
 * yields `ceil(n / s)` values (the last phase's extra value, when `s` does not divide `n`, is cut).
 */
interface Phase {
  /** Kernel taps of this phase, in correlation order (reversed). Empty: the phase gets no gradient. */
  readonly taps: readonly number[];
  /** The stride-1 correlation producing it (kernel = taps.length). */
  readonly axis: Axis;
}

function phasesOf(axis: Axis): Phase[] {
  const { size, kernel, stride, before } = axis;
  const outLength = outputLength(axis);
  const length = Math.ceil(size / stride);
  return Array.from({ length: stride }, (_, e) => {
    const q = (e + before) % stride;
    const carry = Math.floor((e + before) / stride);
    const count = q < kernel ? Math.ceil((kernel - q) / stride) : 0;
    const taps = Array.from({ length: count }, (_, j) => q + stride * (count - 1 - j));
    const padBefore = count - 1 - carry;
    return { taps, axis: { size: outLength, kernel: count, stride: 1, before: padBefore, after: length + count - 1 - outLength - padBefore } };
  });
}

/** `[rows, cols]` axes of a convolution, for building ops keyed by their geometry. */
type Geometry = readonly [Axis, Axis];

type Pads = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Explicit NHWC padding of a geometry, with negative padding (which phases of some transposed
 * convolutions have) done as a crop of the input first.
 */
function paddingOf([rows, cols]: Geometry): { crop: (x: tf.Tensor) => tf.Tensor4D; pads: Pads } {
  const [top, left] = [Math.max(0, -rows.before), Math.max(0, -cols.before)];
  const [height, width] = [rows.size - top - Math.max(0, -rows.after), cols.size - left - Math.max(0, -cols.after)];
  const cropped = top > 0 || left > 0 || height < rows.size || width < cols.size;
  return {
    crop: (x) => (cropped ? (tf.slice(x, [0, top, left, 0], [-1, height, width, -1]) as tf.Tensor4D) : (x as tf.Tensor4D)),
    pads: [
      [0, 0],
      [Math.max(0, rows.before), Math.max(0, rows.after)],
      [Math.max(0, cols.before), Math.max(0, cols.after)],
      [0, 0],
    ],
  };
}

const opCache = new Map<string, (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor4D>();

/**
 * `conv(x, kernel)` over the geometry (stride and explicit, possibly negative, padding per side)
 * as a `tf.customGrad` op:
 *
 *   forward: tf.conv2d (XNNPACK on wasm), after cropping any negative padding;
 *   dx = transposed convolution (see {@link transposedConvolution}), itself made of these ops;
 *   dK[i, j, c, f] = sum_{n, o} patches(x)[n, o, (c, i, j)] dy[n, o, f]  (patches x GEMM),
 *
 * where `patches` is a depthwise convolution of `x` with a fixed one-hot kernel (one output
 * channel per input channel and tap). tfjs's own conv gradients are not used: wasm has no
 * Conv2DBackpropFilter kernel and its Conv2DBackpropInput runs ~8x slower than a forward conv.
 * Ops are cached by geometry (they hold no tensors).
 */
function convolution(geometry: Geometry): (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor4D {
  const id = JSON.stringify(geometry);
  const cached = opCache.get(id);
  if (cached) return cached;
  const { crop, pads } = paddingOf(geometry);
  const op = tf.customGrad((x, kernel, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor, kernel as tf.Tensor]);
    return {
      value: tf.conv2d(crop(x as tf.Tensor), kernel as tf.Tensor4D, geometry[0].stride, pads),
      gradFunc: (dy: tf.Tensor, [xs, ks]: tf.Tensor[]) => [transposedConvolution(geometry, dy, ks!), kernelGradient(geometry, crop(xs!), dy, ks!.shape)],
    };
  }) as (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor4D;
  opCache.set(id, op);
  return op;
}

/**
 * The adjoint of {@link convolution} in `x`: `dx[n, r, c, :] = sum_{o, t: s o + t - before = r}
 * dy[n, o, :] K[t]^T` (both axes), by polyphase decomposition. For each of the `s^2` phases of
 * the input grid, a stride-1 correlation of `dy` with the phase's taps of the kernel (reversed,
 * channels swapped; picked by a constant one-hot matMul, so the kernel stays differentiable);
 * then the phases are interleaved with concats and reshapes. Every correlation is a forward
 * convolution, with exactly the FLOPs of the gradient (no zeros inserted).
 */
function transposedConvolution(geometry: Geometry, dy: tf.Tensor, kernel: tf.Tensor): tf.Tensor4D {
  const [rows, cols] = geometry;
  const [n, [kh, kw, inChannels, outChannels]] = [dy.shape[0]!, kernel.shape as [number, number, number, number]];
  const stride = rows.stride;
  const [rowPhases, colPhases] = [phasesOf(rows), phasesOf(cols)];
  const [phaseHeight, phaseWidth] = [Math.ceil(rows.size / stride), Math.ceil(cols.size / stride)];
  const flatKernel = tf.reshape(kernel, [kh * kw, inChannels * outChannels]);
  const phase = (rp: Phase, cp: Phase): tf.Tensor4D => {
    if (rp.taps.length === 0 || cp.taps.length === 0) return tf.zeros([n, phaseHeight, phaseWidth, inChannels]);
    const selection = new Float32Array(rp.taps.length * cp.taps.length * kh * kw);
    rp.taps.forEach((i, a) => cp.taps.forEach((j, b) => (selection[(a * cp.taps.length + b) * kh * kw + i * kw + j] = 1)));
    const picked = tf.matMul(tf.tensor2d(selection, [rp.taps.length * cp.taps.length, kh * kw]), flatKernel);
    const subKernel = tf.transpose(tf.reshape(picked, [rp.taps.length, cp.taps.length, inChannels, outChannels]), [0, 1, 3, 2]);
    return convolution([rp.axis, cp.axis])(dy, subKernel);
  };
  if (stride === 1) return phase(rowPhases[0]!, colPhases[0]!);
  // Interleave: columns within each row phase, then the row phases.
  const interleavedRows = rowPhases.map((rp) => {
    const byColumn = colPhases.map((cp) => tf.reshape(phase(rp, cp), [n, phaseHeight, phaseWidth, 1, inChannels]));
    return tf.reshape(tf.concat(byColumn, 3), [n, phaseHeight, 1, phaseWidth * stride, inChannels]);
  });
  const full = tf.reshape(tf.concat(interleavedRows, 2), [n, phaseHeight * stride, phaseWidth * stride, inChannels]);
  const exact = phaseHeight * stride === rows.size && phaseWidth * stride === cols.size;
  return exact ? (full as tf.Tensor4D) : (tf.slice(full, [0, 0, 0, 0], [-1, rows.size, cols.size, -1]) as tf.Tensor4D);
}

/**
 * `dK = patches(x)^T dy` reshaped to `[kh, kw, C, F]`. The patches are a depthwise convolution of
 * `x` with a one-hot kernel (channel `c * kh * kw + t` holds tap `t` of channel `c`), with the
 * convolution's stride and padding. Of the two transposes the GEMM needs, the smaller operand is
 * transposed (wasm's transpose is slow; transposed-flag matMuls are slower still).
 */
function kernelGradient(geometry: Geometry, croppedX: tf.Tensor, dy: tf.Tensor, kernelShape: readonly number[]): tf.Tensor4D {
  const [kh, kw, inChannels, outChannels] = kernelShape as [number, number, number, number];
  const taps = kh * kw;
  const oneHot = new Float32Array(taps * inChannels * taps);
  for (let t = 0; t < taps; t++) for (let c = 0; c < inChannels; c++) oneHot[(t * inChannels + c) * taps + t] = 1;
  const patches = tf.depthwiseConv2d(croppedX as tf.Tensor4D, tf.tensor4d(oneHot, [kh, kw, inChannels, taps]), geometry[0].stride, paddingOf(geometry).pads);
  const p2 = tf.reshape(patches, [-1, inChannels * taps]) as tf.Tensor2D;
  const dy2 = tf.reshape(dy, [-1, outChannels]) as tf.Tensor2D;
  // [C * taps, F], rows ordered (c, t).
  const product = inChannels * taps <= outChannels ? tf.matMul(tf.transpose(p2), dy2) : tf.transpose(tf.matMul(tf.transpose(dy2), p2));
  return tf.transpose(tf.reshape(product, [inChannels, kh, kw, outChannels]), [1, 2, 0, 3]) as tf.Tensor4D;
}

/**
 * A 2-D convolution layer (NHWC, square kernel, equal strides and padding on every side) with
 * hand-written gradients:
 *
 *   y = conv(x, K) + b,   y[n, o, :] = sum_t x_pad[n, s o + t, :] K[t] + b,
 *   dL/dx = conv^T(dL/dy, K)           (polyphase transposed convolution, forward convs only),
 *   dL/dK = patches(x)^T dL/dy         (patches x GEMM),   dL/db = sum_{n, o} dL/dy.
 *
 * Why not tfjs's own: tf.conv2d cannot be trained on the wasm backend (no Conv2DBackpropFilter
 * kernel), and its input gradient there ran ~8x slower than a forward convolution of the same
 * FLOPs (DESIGN.md). The gradients here are built from ops every backend has (conv2d,
 * depthwiseConv2d, matMul, concat, reshape), each gradient again from these, so second
 * derivatives (score matching) work everywhere. wasm's gather, slice and transpose kernels cost
 * 10-40 ns per element (against ~3 for concat and pad), so the layer avoids them on large tensors.
 *
 * @example
 * const layer = conv2d({ inputShape: [28, 28, 1], kernelSize: 3, stride: 2 }); // 14 x 14 out
 * const kernel = tf.variable(tf.randomNormal([3, 3, 1, 32], 0, 0.1));
 * const y = layer.apply(images, kernel, tf.zeros([32]));     // [N, 14, 14, 32]
 * const dx = layer.inputGradient(tf.onesLike(y), kernel);    // [N, 28, 28, 1] = d sum(y) / dx
 */
export function conv2d(options: Conv2dOptions): Conv2d {
  const inputShape = [...options.inputShape] as [number, number, number];
  if (inputShape.length !== 3) {
    throw new InvalidArgumentError('inputShape', `must be [height, width, channels], got [${inputShape.join(', ')}].`);
  }
  inputShape.forEach((d, i) => assertInteger(`inputShape[${i}]`, d));
  const [height, width, channels] = inputShape;
  const kernelSize = options.kernelSize ?? 3;
  assertInteger('kernelSize', kernelSize);
  const stride = options.stride ?? 1;
  assertInteger('stride', stride);
  const padding = options.padding ?? Math.floor(kernelSize / 2);
  assertInteger('padding', padding, 0);
  if (padding >= kernelSize) {
    throw new InvalidArgumentError('padding', `(${padding}) must be smaller than kernelSize (${kernelSize}): wider padding only adds zero outputs.`);
  }
  const axis = (size: number): Axis => ({ size, kernel: kernelSize, stride, before: padding, after: padding });
  const geometry: Geometry = [axis(height), axis(width)];
  const [outHeight, outWidth] = [outputLength(geometry[0]), outputLength(geometry[1])];
  if (outHeight < 1 || outWidth < 1) {
    throw new InvalidArgumentError(
      'kernelSize',
      `(${kernelSize}) with padding ${padding} does not fit an input of ${height} x ${width}. Use a smaller kernel or more padding.`,
    );
  }
  const convolve = convolution(geometry);

  const checkKernel = (kernel: tf.Tensor): number => {
    if (kernel.rank !== 4 || kernel.shape[0] !== kernelSize || kernel.shape[1] !== kernelSize || kernel.shape[2] !== channels) {
      throw new InvalidArgumentError('kernel', `must have shape [${kernelSize}, ${kernelSize}, ${channels}, F], got [${kernel.shape.join(', ')}].`);
    }
    return kernel.shape[3]!;
  };

  return {
    inputShape,
    outputSize: [outHeight, outWidth],
    kernelSize,
    stride,
    padding,
    apply: (x, kernel, bias) =>
      tf.tidy(() => {
        assertBatch('x', x, 4);
        assertEventShape('x', x, inputShape);
        checkKernel(kernel);
        return tf.add(convolve(x, kernel), bias) as tf.Tensor4D;
      }),
    inputGradient: (dy, kernel) =>
      tf.tidy(() => {
        const filters = checkKernel(kernel);
        assertBatch('dy', dy, 4);
        assertEventShape('dy', dy, [outHeight, outWidth, filters]);
        return transposedConvolution(geometry, dy, kernel);
      }),
    kernelGradient: (x, dy) =>
      tf.tidy(() => {
        assertBatch('x', x, 4);
        assertEventShape('x', x, inputShape);
        assertBatch('dy', dy, 4);
        assertEventShape('dy', dy, [outHeight, outWidth, dy.shape[3]!]);
        if (dy.shape[0] !== x.shape[0]) throw new ShapeError('dy', `must have one row per row of x (${x.shape[0]}), got ${dy.shape[0]}.`);
        return kernelGradient(geometry, paddingOf(geometry).crop(x), dy, [kernelSize, kernelSize, channels, dy.shape[3]!]);
      }),
  };
}
