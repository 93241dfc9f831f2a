#!/usr/bin/env python3
"""Cross-check `nnlab grad` on networks with norms, skips and dropout against PyTorch's autograd
(or JAX's jax.grad), in float64, in both modes.

  python3 Tests/crosscheck/grad_parts_vs_torch.py [--nnlab .build/release/nnlab] [--trials 120] [--framework torch|jax]

Random networks of 1-5 hidden layers, each with a random norm (none, batch, layer), skip
(0, 1 or 2 where the widths agree), keep probability and activation; random weights, gamma,
beta and running statistics; random data. For every network `nnlab grad --mode train` (batch
norm over all the examples as one batch) and `--mode eval` (the running statistics) are
compared with the framework's gradient of the same function, written here from the model
file's rules: the loss and every dW, db, dgamma, dbeta within 1e-9 relative, tensor by tensor
(the largest difference over the largest entry, or over 1e-6 max(1, |J|), the gradient check's
floor, when the tensor is smaller: batch norm's backward cancels, so single entries near zero
carry rounding of the tensor's scale, and a tensor made small by cancellation carries rounding
of J's); it also reports the largest difference
over the network's largest gradient entry, which is what rounding in a cancelling sum reaches
(a tensor made small by cancellation, e.g. a dbeta of 3e-7 under a batch norm, can differ by
1e-9 of itself and 1e-15 of the network's scale). A tensor whose entries are all below
1e-10 of the network's largest gradient entry, in both, is compared against that largest entry
instead: the bias of a batch-norm layer, and any bias or beta whose shift a batch norm above
removes, are zero in exact arithmetic and rounding noise of 1e-17 to 1e-13 in both, and a ratio
of two rounding noises means nothing. Dropout is off in both modes (`nnlab grad` without
--seed), as the issue asks. Not run by CI (it needs torch or jax).
"""
import argparse, json, os, random, subprocess, sys, tempfile

import numpy as np


class Torch:
    """PyTorch's autograd in float64."""
    name = "torch.autograd"

    def __init__(self):
        import torch
        self.t = torch
        torch.set_default_dtype(torch.float64)
        self.act = {"tanh": torch.tanh, "relu": torch.relu, "logistic": torch.sigmoid,
                    "linear": lambda z: z, "softplus": torch.nn.functional.softplus}

    def asarray(self, x):
        return self.t.tensor(np.asarray(x, dtype=float))

    def sqrt(self, x):
        return self.t.sqrt(x)

    def log_softmax(self, z):
        return self.t.log_softmax(z, dim=1)

    def value_and_grad(self, fn, params, *args):
        leaves = [tuple(self.t.tensor(np.asarray(p), requires_grad=True) for p in layer) for layer in params]
        J = fn(leaves, *args)
        J.backward()
        return J.item(), [tuple(np.zeros(p.shape) if p.grad is None else p.grad.numpy() for p in layer) for layer in leaves]


class Jax:
    """jax.grad in float64."""
    name = "jax.grad"

    def __init__(self):
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        self.jax, self.jnp = jax, jnp
        self.act = {"tanh": jnp.tanh, "relu": lambda z: jnp.maximum(z, 0), "logistic": jax.nn.sigmoid,
                    "linear": lambda z: z, "softplus": jax.nn.softplus}

    def asarray(self, x):
        return self.jnp.asarray(x)

    def sqrt(self, x):
        return self.jnp.sqrt(x)

    def log_softmax(self, z):
        return self.jax.nn.log_softmax(z, axis=1)

    def value_and_grad(self, fn, params, *args):
        leaves = [tuple(self.jnp.asarray(p) for p in layer) for layer in params]
        J, grads = self.jax.value_and_grad(fn)(leaves, *args)
        return float(J), [tuple(np.asarray(g) for g in layer) for layer in grads]


F = None  # the framework in use (set in main)
EPS = 1e-5
ACT = ["tanh", "relu", "logistic", "linear", "softplus"]
OUT = [("logistic", "cross_entropy", 1), ("softmax", "cross_entropy", 3), ("identity", "squared_error", 2),
       ("logistic", "squared_error", 1)]


def forward(params, spec, X, mode):
    """The network of NNLab's model file: params[l] = (W, b, gamma, beta)."""
    acts = [X]
    h = X
    for l, (W, b, g, be) in enumerate(params):
        z = h @ W.T + b
        s = spec[l]
        if s.get("output"):
            return z
        if s["norm"] == "layer":
            mu = z.mean(axis=1, keepdims=True)
            var = ((z - mu) ** 2).mean(axis=1, keepdims=True)
            z = g * (z - mu) / F.sqrt(var + EPS) + be
        elif s["norm"] == "batch":
            if mode == "train":
                mu = z.mean(axis=0)
                var = ((z - mu) ** 2).mean(axis=0)
            else:
                mu, var = F.asarray(s["running_mean"]), F.asarray(s["running_var"])
            z = g * (z - mu) / F.sqrt(var + EPS) + be
        a = F.act[s["act"]](z)
        if s["skip"]:
            a = a + acts[l + 1 - s["skip"]]
        acts.append(a)
        h = a


def loss_fn(params, spec, X, Y, out, loss, mode):
    z = forward(params, spec, X, mode)
    if out == "softmax":
        logp = F.log_softmax(z)
        return -(Y * logp).sum(axis=1).mean()
    if out == "identity":
        return 0.5 * ((z - Y) ** 2).sum(axis=1).mean()
    if loss == "cross_entropy":
        return (F.act["softplus"](z[:, 0]) - Y[:, 0] * z[:, 0]).mean()
    return 0.5 * ((F.act["logistic"](z[:, 0]) - Y[:, 0]) ** 2).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nnlab", default=".build/release/nnlab")
    ap.add_argument("--trials", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--framework", choices=["torch", "jax"], default="torch")
    a = ap.parse_args()
    global F
    F = Torch() if a.framework == "torch" else Jax()
    rnd = random.Random(a.seed)
    npr = np.random.default_rng(a.seed)
    tmp = tempfile.mkdtemp()
    worst, worst_network, small, kinds = 0.0, 0.0, 0, set()
    for trial in range(a.trials):
        inputs = rnd.randint(1, 4)
        depth = rnd.randint(1, 5)
        width = rnd.randint(2, 6)
        widths = [width if rnd.random() < 0.7 else rnd.randint(2, 6) for _ in range(depth)]
        out, loss, outputs = rnd.choice(OUT)
        layers, params, spec = [], [], []
        fan = inputs
        for l in range(depth + 1):
            hidden = l < depth
            units = widths[l] if hidden else outputs
            W = npr.normal(size=(units, fan)) * rnd.choice([0.5, 1.0, 1.5])
            b = npr.normal(size=units) * 0.5
            layer = {"units": units, "activation": rnd.choice(ACT) if hidden else out, "W": W.tolist(), "b": b.tolist()}
            s = {"output": not hidden}
            g, be = np.ones(units), np.zeros(units)
            if hidden:
                s["act"] = layer["activation"]
                s["norm"] = rnd.choice([None, "batch", "layer"])
                below = [inputs] + widths[:l]
                skips = [k for k in (1, 2) if l + 1 - k >= 0 and below[l + 1 - k] == units]
                s["skip"] = rnd.choice([0] + skips) if skips else 0
                if s["skip"]:
                    layer["skip"] = s["skip"]
                if rnd.random() < 0.4:
                    layer["dropout"] = rnd.choice([0.5, 0.8, 0.95])
                if s["norm"]:
                    g = 1 + 0.3 * npr.normal(size=units)
                    be = 0.3 * npr.normal(size=units)
                    norm = {"kind": s["norm"], "gamma": g.tolist(), "beta": be.tolist(), "epsilon": EPS}
                    if s["norm"] == "batch":
                        s["running_mean"] = (0.3 * npr.normal(size=units)).tolist()
                        s["running_var"] = (0.5 + npr.random(units)).tolist()
                        norm.update(momentum=0.1, running_mean=s["running_mean"], running_var=s["running_var"])
                    layer["norm"] = norm
                kinds.add((s["norm"], s["skip"], "dropout" in layer))
            layers.append(layer)
            params.append((W, b, g, be))
            spec.append(s)
            fan = units
        m = rnd.randint(2, 40)
        X = npr.normal(size=(m, inputs)) * 1.5
        if out == "identity":
            T = npr.normal(size=(m, outputs))
            rows = [list(X[i]) + list(T[i]) for i in range(m)]
            Y = T
        else:
            k = outputs if out == "softmax" else 2
            labels = npr.integers(0, k, size=m)
            rows = [list(X[i]) + [int(labels[i])] for i in range(m)]
            Y = np.eye(k)[labels] if out == "softmax" else labels.reshape(m, 1).astype(float)
        model = {"format": "nnlab-model", "version": 2, "inputs": inputs, "loss": loss, "layers": layers}
        mp, dp = os.path.join(tmp, "m.json"), os.path.join(tmp, "d.csv")
        json.dump(model, open(mp, "w"))
        with open(dp, "w") as f:
            f.write(",".join(f"c{i}" for i in range(len(rows[0]))) + "\n")
            for r in rows:
                f.write(",".join(repr(float(v)) if j < inputs or out == "identity" else str(int(v)) for j, v in enumerate(r)) + "\n")
        for mode in ("train", "eval"):
            res = subprocess.run([a.nnlab, "grad", "--model", mp, "--data", dp, "--mode", mode], capture_output=True, text=True)
            if res.returncode != 0:
                print("nnlab failed:", res.stderr)
                sys.exit(1)
            got = json.loads(res.stdout)
            J, grads = F.value_and_grad(loss_fn, params, spec, F.asarray(X), F.asarray(Y), out, loss, mode)
            # The network's gradient scale: its largest entry in either implementation.
            network = max(float(np.abs(np.asarray(t)).max()) for layer in grads for t in layer if np.asarray(t).size)
            network = max(network, max(float(np.abs(np.asarray(gl[k], dtype=float)).max()) for gl in got["layers"]
                                       for k in ("dW", "db", "dgamma", "dbeta") if k in gl))
            # The gradient check's floor: gradients below 1e-6 max(1, |J|) are resolved only to
            # the rounding of J itself, so they are compared against the floor.
            floor = 1e-6 * max(1.0, abs(J))
            def rel(x, y):
                # Tensor-wise: the largest difference over the tensor's largest entry. A tensor
                # that is zero in exact arithmetic (both sides below 1e-10 of the network's
                # largest gradient entry: a batch-norm layer's db, a beta or bias whose shift a
                # batch norm above removes) is rounding noise in both, and a ratio of two noises
                # means nothing: its difference is measured against the network's scale.
                x, y = np.asarray(x, dtype=float), np.asarray(y)
                largest = max(np.abs(x).max(), np.abs(y).max())
                scale = network if largest < 1e-10 * network else max(largest, floor)
                return float(np.abs(x - y).max() / scale)
            errs = [abs(got["loss"] - J) / max(abs(J), 1e-12)]
            where = ["loss"]
            for l, (gl, (dW, db, dg, dbe)) in enumerate(zip(got["layers"], grads)):
                pairs = [("dW", dW), ("db", db)] + ([("dgamma", dg), ("dbeta", dbe)] if l < depth and spec[l]["norm"] else [])
                for name, ref in pairs:
                    errs.append(rel(gl[name], ref))
                    # Against the network's scale too: what rounding in a cancelling sum can reach.
                    worst_network = max(worst_network, float(np.abs(np.asarray(gl[name], dtype=float) - np.asarray(ref)).max()) / network)
                    x = np.asarray(gl[name], dtype=float)
                    where.append(f"{name}({l + 1}) max|g| {np.abs(x).max():.2e} max|diff| {np.abs(x - np.asarray(ref)).max():.2e}")
                if not (l < depth and spec[l]["norm"]) and "dgamma" in gl:
                    print(f"trial {trial}: layer {l} has no norm but nnlab printed dgamma")
                    sys.exit(1)
            e = max(errs)
            worst = max(worst, e)
            if e > 1e-9:
                small += 1
                print(f"trial {trial} ({mode}): {[(s.get('norm'), s.get('skip'), s.get('act')) for s in spec[:-1]]} {out}/{loss}: "
                      f"max relative difference {e:.3e} in {where[int(np.argmax(errs))]}")
    print(f"{a.trials} random networks x 2 modes ({len(kinds)} kinds of layer): largest relative difference from {F.name} "
          f"{worst:.3e} tensor by tensor ({small} above 1e-9), {worst_network:.3e} of the network's largest gradient entry")
    sys.exit(0 if worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
