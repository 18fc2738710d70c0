"""The Langevin-step rows in PyTorch, the peer of bench rows 1 and 3 (issue 16).

The same step as @ebm's `langevin` sampler on core's `mlpEnergy` (D = 2, hidden [H, H], swish,
one output), written as a PyTorch user would: the energy as an nn.Sequential, its input gradient
by autograd, then

    x' = x - h dE/dx + sqrt(2 h) xi,   xi ~ N(0, I),   h = 0.01,

float32, one intra-op thread (torch.set_num_threads(1)) and one BLAS thread (threadpoolctl).
A server, so the caller can interleave its own timings with ours: it reads lines
"BATCH HIDDEN REPEATS" from stdin and answers each with one JSON line: the median ms of REPEATS
steps after two warm-up steps. The first line it prints describes the library and threads, or
{"error": ...} when torch cannot be imported.
Usage: /usr/bin/python3 torch_langevin.py
"""
import json
import math
import sys
import time

try:
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as error:  # the caller marks the rows not measured
    print(json.dumps({"error": f"cannot import torch ({error}); apt-get install python3-torch"}), flush=True)
    sys.exit(0)

STEP_SIZE = 0.01  # the same h as the TypeScript rows
DIM = 2
torch.set_num_threads(1)
limits = threadpool_limits(1)
torch.manual_seed(0)


def chain(batch, hidden):
    """A Langevin chain of `batch` chains on a fresh MLP energy; returns its step function."""
    model = torch.nn.Sequential(
        torch.nn.Linear(DIM, hidden), torch.nn.SiLU(), torch.nn.Linear(hidden, hidden), torch.nn.SiLU(), torch.nn.Linear(hidden, 1)
    )
    for p in model.parameters():
        p.requires_grad_(False)  # a sampler differentiates in x only
    state = {"x": torch.randn(batch, DIM)}
    noise_scale = math.sqrt(2 * STEP_SIZE)

    def step():
        x = state["x"].requires_grad_(True)
        energy = model(x).reshape(-1)
        (gradient,) = torch.autograd.grad(energy.sum(), x)
        with torch.no_grad():
            state["x"] = x - STEP_SIZE * gradient + noise_scale * torch.randn_like(x)

    return step


def median_ms(step, repeats):
    step()
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - start))
    return sorted(times)[len(times) // 2]


chain(8, 8)()  # load the kernels before describing the BLAS in use
blas = [f"{p['internal_api']} {p['version']} ({p.get('threading_layer', '')}), {p['num_threads']} thread(s)" for p in threadpool_info() if p["user_api"] == "blas"]
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": "; ".join(blas) or "no separate BLAS library loaded"}), flush=True)
chains = {}
for line in sys.stdin:
    batch, hidden, repeats = (int(v) for v in line.split())
    if (batch, hidden) not in chains:
        chains[(batch, hidden)] = chain(batch, hidden)
    print(json.dumps({"msPerStep": median_ms(chains[(batch, hidden)], repeats)}), flush=True)
