"""scikit-learn's BernoulliRBM on the digits, the reference for @ebm/rbm (see bench/README.md).

Prints one JSON line: mean pseudo-likelihood over the 1,797 digits, ms per epoch, and the BLAS
and thread count numpy ran with.
Usage: /usr/bin/python3 sklearn_rbm.py DIGITS_CSV_GZ HIDDEN LR BATCH EPOCHS SEED [THREADS]
THREADS limits the BLAS (and OpenMP) threads through threadpoolctl; default: the library's own.
"""
import contextlib
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_info, threadpool_limits

path, hidden, lr, batch, epochs, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
threads = int(sys.argv[7]) if len(sys.argv) > 7 else None
data = np.loadtxt(path, delimiter=",")
x = data[:, :64] / 16.0  # the same scaling as loadDigits(): pixels in [0, 1]
rbm = BernoulliRBM(n_components=hidden, learning_rate=lr, batch_size=batch, n_iter=epochs, random_state=seed)
with threadpool_limits(threads) if threads else contextlib.nullcontext():
    blas = [f"{p['internal_api']} {p['version']} ({p.get('threading_layer', '')}), {p['num_threads']} thread(s)" for p in threadpool_info() if p["user_api"] == "blas"]
    start = time.perf_counter()
    rbm.fit(x)
    elapsed = time.perf_counter() - start
print(json.dumps({
    "sklearn": sklearn.__version__,
    "blas": "; ".join(blas) or "unknown BLAS",
    "pseudoLikelihood": float(np.mean(rbm.score_samples(x))),
    "msPerEpoch": 1000 * elapsed / epochs,
}))
