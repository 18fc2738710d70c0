"""The Langevin step of bench row 4 in numpy, with a hand-written backward pass: the native reference.

Energy: the @ebm/core mlpEnergy, E(x) = w_out^T f(f(x W_0 + b_0) W_1 + b_1) + b_out with swish
f(a) = a sigmoid(a), f'(a) = s + a s (1 - s). One step:

    x' = x - h dE/dx + sqrt(2 h) xi,   xi ~ N(0, I),
    dE/dx = ((w_out^T * f'(a_1)) W_1^T * f'(a_0)) W_0^T,

float32 throughout, numpy's BLAS on every core it finds. Also times the same matmul FLOPs as plain
GEMMs (numpy's roofline). Prints one JSON line.
Usage: python3 native_langevin.py BATCH HIDDEN DIM REPEATS
"""
import json
import sys
import time

import numpy as np

batch, hidden, dim, repeats = (int(v) for v in sys.argv[1:5])
STEP_SIZE = 0.01  # the same h as the TypeScript rows
rng = np.random.default_rng(0)
f32 = np.float32


def glorot(fan_in, fan_out):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(f32)


w0, w1, w2 = glorot(dim, hidden), glorot(hidden, hidden), glorot(hidden, 1)
b0, b1 = np.zeros(hidden, f32), np.zeros(hidden, f32)
# Transposes made contiguous once, as the TypeScript fast path does per step.
w0t, w1t, w2row = np.ascontiguousarray(w0.T), np.ascontiguousarray(w1.T), w2.reshape(1, -1)
x = rng.standard_normal((batch, dim)).astype(f32)


def swish_and_derivative(a):
    s = 1 / (1 + np.exp(-a))
    h = a * s
    return h, s + h * (1 - s)


def step(x):
    h0, d0 = swish_and_derivative(x @ w0 + b0)
    h1, d1 = swish_and_derivative(h0 @ w1 + b1)
    _energy = h1 @ w2  # computed because a sampler step returns it too
    g = ((w2row * d1) @ w1t * d0) @ w0t
    noise = rng.standard_normal(x.shape, dtype=f32)
    return x - f32(STEP_SIZE) * g + f32(np.sqrt(2 * STEP_SIZE)) * noise


def timed(fn, n):
    for _ in range(2):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return 1000 * (time.perf_counter() - start) / n


state = {"x": x}


def one_step():
    state["x"] = step(state["x"])


a = rng.standard_normal((batch, hidden)).astype(f32)
xin = rng.standard_normal((batch, dim)).astype(f32)
w_hd = glorot(hidden, dim)


def gemm():
    return [xin @ w0, a @ w1, a @ w2, a @ w1, a @ w_hd]


print(json.dumps({"numpy": np.__version__, "msPerStep": timed(one_step, repeats), "gemmMs": timed(gemm, repeats)}))
