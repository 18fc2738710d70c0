"""scikit-learn's BernoulliRBM on the digits, the reference for @ebm/rbm (see bench/README.md).

Prints one JSON line: mean pseudo-likelihood over the 1,797 digits and ms per epoch.
Usage: /usr/bin/python3 sklearn_rbm.py DIGITS_CSV_GZ HIDDEN LR BATCH EPOCHS SEED
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM

path, hidden, lr, batch, epochs, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
data = np.loadtxt(path, delimiter=",")
x = data[:, :64] / 16.0  # the same scaling as loadDigits(): pixels in [0, 1]
rbm = BernoulliRBM(n_components=hidden, learning_rate=lr, batch_size=batch, n_iter=epochs, random_state=seed)
start = time.perf_counter()
rbm.fit(x)
elapsed = time.perf_counter() - start
print(json.dumps({
    "sklearn": sklearn.__version__,
    "pseudoLikelihood": float(np.mean(rbm.score_samples(x))),
    "msPerEpoch": 1000 * elapsed / epochs,
}))
