"""Training-step rows in PyTorch, the peer of bench/objective-peers.mjs (issue 16).

What a PyTorch user writes for the @ebm cli's 2-D recipes: the energy E(x) as an nn.Sequential
MLP 2-64-64-1 with SiLU (swish), its gradients by autograd, torch.optim.Adam (eps 1e-7, the
backend epsilon tfjs's Adam uses) and minibatches drawn as core `fit` draws them (a fresh
permutation per epoch, floor(N / B) batches per epoch). One training step of each objective:

  pcd: persistent chains (one per batch row, started from N(0, 2^2 I), the cli's CHAIN_START),
       K Langevin steps x' = x - h dE/dx + sqrt(2 h) xi (h = 0.01, the cli's default), then
       L = mean E(x+) - mean E(x-) with the negatives detached, backward, Adam step;
  dsm: x~ = x + sigma eps, L = 1/N sum_i 1/2 || -dE/dx(x~_i) + eps_i / sigma ||^2
       (autograd.grad with create_graph=True, then backward through it);
  nce: G(u) = -E(u) - c - log nu - log p_n(u), noise y ~ p_n = N(mu, Sigma) fitted to the data
       (mean and 1/N covariance), M = ratio * N noise rows, nu = M / N,
       L = mean softplus(-G(x)) + nu mean softplus(G(y)), c (log Z) trained with the model.

Every step ends with loss.item() (the one device read per step that core `fit` makes).
float32, one intra-op thread (torch.set_num_threads(1)) and one BLAS thread (threadpoolctl).

A server, so the caller interleaves its own timings with ours. It reads JSON lines from stdin:
  {"op": "data", "path": P, "rows": N}       the training data, N x 2 float32 (little-endian) at P
  {"op": "step", "objective": O, "batch": B, "repeats": R, ...options}
      {"msPerStep", "cpuMsPerStep"}: median wall and CPU ms of R steps of objective O after two
      warm-up steps (a persistent state per (O, B));
      options: k, stepSize (pcd), sigma (dsm), ratio (nce), learningRate
  {"op": "train", "steps": S, "batch": B, "learningRate": lr, "ratio": r, "seed": s}
      the cli's default recipe (NCE, Adam with cosine decay of lr to 0 over S steps) from a fresh
      model: {"seconds": training seconds, "cpuSeconds": CPU seconds, "loss": last loss, "weights": [W1, b1, W2, b2, W3, b3]
      as nested lists in torch's [out, in] layout}
and answers each with one JSON line. The first line it prints describes the library and threads,
or {"error": ...} when torch cannot be imported.
Usage: /usr/bin/python3 torch_objectives.py
"""
import json
import math
import sys
import time

try:
    import numpy as np
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as error:  # the caller marks the rows not measured
    print(json.dumps({"error": f"cannot import torch ({error}); apt-get install python3-torch"}), flush=True)
    sys.exit(0)

DIM = 2
HIDDEN = 64
ADAM_EPS = 1e-7
CHAIN_START_STD = 2.0
torch.set_num_threads(1)
limits = threadpool_limits(1)
torch.manual_seed(0)


def mlp():
    """E(x): the cli's default energy, MLP 2-64-64-1 with swish (SiLU)."""
    return torch.nn.Sequential(
        torch.nn.Linear(DIM, HIDDEN), torch.nn.SiLU(), torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.SiLU(), torch.nn.Linear(HIDDEN, 1)
    )


class Minibatches:
    """Shuffled minibatches without replacement: a new permutation every floor(N / B) steps."""

    def __init__(self, data, batch):
        self.data, self.batch, self.per_epoch, self.t = data, batch, data.shape[0] // batch, 0

    def next(self):
        i = self.t % self.per_epoch
        if i == 0:
            self.perm = torch.randperm(self.data.shape[0])
        self.t += 1
        return self.data[self.perm[i * self.batch : (i + 1) * self.batch]]


def fitted_noise(data):
    """N(mu, Sigma) with the data's mean and 1/N covariance, as @ebm/nce's gaussianNoise.fit."""
    mean = data.mean(0)
    centred = data - mean
    return torch.distributions.MultivariateNormal(mean, covariance_matrix=centred.T @ centred / data.shape[0])


def pcd_loss(model, batches, options):
    """PCD's loss: K Langevin steps of the persistent chains, then mean E(x+) - mean E(x-)."""
    k, h = options.get("k", 20), options.get("stepSize", 0.01)
    state = {"chains": None}
    noise_scale = math.sqrt(2 * h)

    def loss():
        positive = batches.next()
        x = state["chains"] if state["chains"] is not None else CHAIN_START_STD * torch.randn(positive.shape[0], DIM)
        for _ in range(k):
            x.requires_grad_(True)
            (gradient,) = torch.autograd.grad(model(x).sum(), x)
            with torch.no_grad():
                x = x - h * gradient + noise_scale * torch.randn_like(x)
        state["chains"] = x
        return model(positive).mean() - model(x).mean()

    return loss


def dsm_loss(model, batches, options):
    """Denoising score matching's loss, 1/N sum_i 1/2 || -dE/dx(x~_i) + eps_i / sigma ||^2."""
    sigma = options.get("sigma", 0.1)

    def loss():
        x = batches.next()
        eps = torch.randn_like(x)
        noisy = (x + sigma * eps).requires_grad_(True)
        (gradient,) = torch.autograd.grad(model(noisy).sum(), noisy, create_graph=True)
        return 0.5 * (eps / sigma - gradient).pow(2).sum(1).mean()

    return loss


def nce_loss(model, batches, options, noise, log_z):
    """NCE's loss, mean softplus(-G(x)) + nu mean softplus(G(y)), against `ratio` x N noise rows."""
    ratio = options.get("ratio", 4)
    softplus = torch.nn.functional.softplus

    def loss():
        x = batches.next()
        n = x.shape[0]
        m = ratio * n
        nu = m / n
        y = noise.sample((m,))
        g_data = -model(x).reshape(-1) - log_z - math.log(nu) - noise.log_prob(x)
        g_noise = -model(y).reshape(-1) - log_z - math.log(nu) - noise.log_prob(y)
        return softplus(-g_data).mean() + nu * softplus(g_noise).mean()

    return loss


def training_step(optimizer, loss):
    """One step: the loss, its gradients by backward, the optimizer's update, and the loss read back."""

    def step():
        value = loss()
        optimizer.zero_grad()
        value.backward()
        optimizer.step()
        return value.item()

    return step


def build(objective, data, batch, options):
    """A fresh model, Adam and the step function of `objective` on minibatches of `data`."""
    model = mlp()
    params = list(model.parameters())
    batches = Minibatches(data, batch)
    if objective == "nce":
        log_z = torch.zeros((), requires_grad=True)
        optimizer = torch.optim.Adam(params + [log_z], lr=options.get("learningRate", 3e-3), eps=ADAM_EPS)
        return model, optimizer, training_step(optimizer, nce_loss(model, batches, options, fitted_noise(data), log_z))
    optimizer = torch.optim.Adam(params, lr=options.get("learningRate", 3e-3), eps=ADAM_EPS)
    make = {"pcd": pcd_loss, "dsm": dsm_loss}[objective]
    return model, optimizer, training_step(optimizer, make(model, batches, options))


def median_ms(step, repeats):
    """Median wall and CPU (this process) ms of `repeats` calls of `step` after two warm-up calls."""
    step()
    step()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return {"msPerStep": sorted(wall)[len(wall) // 2], "cpuMsPerStep": sorted(cpu)[len(cpu) // 2]}


def train(data, request):
    """The cli's default recipe: NCE, Adam with cosine decay to 0 over `steps`, from a fresh model."""
    torch.manual_seed(request.get("seed", 0))
    steps = request["steps"]
    model, optimizer, step = build("nce", data, request["batch"], request)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps, eta_min=0)
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        loss = step()
        schedule.step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    weights = [p.detach().tolist() for p in model.parameters()]
    return {"seconds": seconds, "cpuSeconds": cpu_seconds, "loss": loss, "weights": weights}


torch.randn(8, 8) @ torch.randn(8, 8)  # load the kernels before describing the BLAS in use
blas = [f"{p['internal_api']} {p['version']} ({p.get('threading_layer', '')}), {p['num_threads']} thread(s)" for p in threadpool_info() if p["user_api"] == "blas"]
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": "; ".join(blas) or "no separate BLAS library loaded"}), flush=True)
data = None
steps = {}
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "data":
        data = torch.from_numpy(np.fromfile(request["path"], dtype="<f4").reshape(request["rows"], DIM).copy())
        steps = {}
        print(json.dumps({"rows": data.shape[0]}), flush=True)
    elif request["op"] == "step":
        key = (request["objective"], request["batch"])
        if key not in steps:
            steps[key] = build(request["objective"], data, request["batch"], request)[2]
        print(json.dumps(median_ms(steps[key], request["repeats"])), flush=True)
    elif request["op"] == "train":
        print(json.dumps(train(data, request)), flush=True)
    else:
        print(json.dumps({"error": f"unknown op {request['op']}"}), flush=True)
