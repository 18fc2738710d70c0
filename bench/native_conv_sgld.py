"""The conv-energy SGLD step of bench/conv-sgld.mjs in PyTorch: the native reference.

Energy: the @ebm/core convEnergy defaults, E(x) = w^T flatten(f(conv_2(f(conv_1(x))))) + b with
conv_l a 3x3 convolution with stride 2 and padding 1 (28x28x1 -> 14x14x32 -> 7x7x64) and swish
f(a) = a sigmoid(a). One SGLD step:

    x' = clamp(x - h clip(dE/dx) + s xi, 0, 1),   xi ~ N(0, I),

with dE/dx from autograd (input gradient only: the weights do not require grad), float32, NCHW,
on THREADS threads (default 1, the wasm backend's one core). Also times the input gradient alone.
Prints one JSON line: { step_ms, grad_ms, threads, torch }.
Usage: python3 native_conv_sgld.py BATCH REPEATS [THREADS]
"""
import json
import sys
import time

import torch

batch, repeats = int(sys.argv[1]), int(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
STEP_SIZE, NOISE, CLIP = 10.0, 0.005, 0.03  # the TypeScript side's short-run recipe

conv1 = torch.nn.Conv2d(1, 32, 3, stride=2, padding=1)
conv2 = torch.nn.Conv2d(32, 64, 3, stride=2, padding=1)
head = torch.nn.Linear(7 * 7 * 64, 1)
for p in [*conv1.parameters(), *conv2.parameters(), *head.parameters()]:
    p.requires_grad_(False)


def energy(x):
    h = torch.nn.functional.silu(conv1(x))
    h = torch.nn.functional.silu(conv2(h))
    return head(h.flatten(1)).squeeze(1)


def input_gradient(x):
    x = x.detach().requires_grad_(True)
    e = energy(x)
    (g,) = torch.autograd.grad(e.sum(), x)
    return e, g


def step(x):
    _, g = input_gradient(x)
    return (x - STEP_SIZE * g.clamp(-CLIP, CLIP) + NOISE * torch.randn_like(x)).clamp(0, 1)


def timed(fn, n):
    for _ in range(2):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return times[len(times) // 2]


x = torch.rand(batch, 1, 28, 28)
print(json.dumps({
    "step_ms": timed(lambda: step(x), repeats),
    "grad_ms": timed(lambda: input_gradient(x), repeats),
    "threads": threads,
    "torch": torch.__version__,
}))
