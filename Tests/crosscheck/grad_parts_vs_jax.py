#!/usr/bin/env python3
"""Cross-check `nnlab grad` on networks with norms, skips and dropout against JAX's automatic
differentiation (float64), in both modes.

  python3 Tests/crosscheck/grad_parts_vs_jax.py [--nnlab .build/release/nnlab] [--trials 120]

Random networks of 1-5 hidden layers, each with a random norm (none, batch, layer), skip
(0, 1 or 2 where the widths agree), keep probability and activation; random weights, gamma,
beta and running statistics; random data. For every network `nnlab grad --mode train` (batch
norm over all the examples as one batch) and `--mode eval` (the running statistics) are
compared with jax.grad of the same function: the loss and every dW, db, dgamma, dbeta within
1e-9 relative, tensor by tensor (the largest difference over the largest entry: batch norm's
backward cancels, so single entries near zero carry rounding of the tensor's scale); a tensor
whose entries are all below 1e-6 max(1, |J|) is compared against that floor (NNLab's gradient
check does the same): the bias of a batch-norm layer, and any bias or beta whose shift a batch
norm above removes, are zero in exact arithmetic and rounding noise of 1e-17 to 1e-13 in both. Dropout is off in both modes (`nnlab grad` without --seed), as the
issue asks. PyTorch could not be installed on the machine this was written on (its wheel index
was unreachable); JAX, a peer of the benchmarks, plays the other framework. Not run by CI.
"""
import argparse, json, os, random, subprocess, sys, tempfile

import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np

EPS = 1e-5
ACT = {"tanh": jnp.tanh, "relu": lambda z: jnp.maximum(z, 0), "logistic": jax.nn.sigmoid,
       "linear": lambda z: z, "softplus": jax.nn.softplus}
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
            z = g * (z - mu) / jnp.sqrt(var + EPS) + be
        elif s["norm"] == "batch":
            if mode == "train":
                mu = z.mean(axis=0)
                var = ((z - mu) ** 2).mean(axis=0)
            else:
                mu, var = jnp.asarray(s["running_mean"]), jnp.asarray(s["running_var"])
            z = g * (z - mu) / jnp.sqrt(var + EPS) + be
        a = ACT[s["act"]](z)
        if s["skip"]:
            a = a + acts[l + 1 - s["skip"]]
        acts.append(a)
        h = a


def loss_fn(params, spec, X, Y, out, loss, mode):
    z = forward(params, spec, X, mode)
    if out == "softmax":
        logp = jax.nn.log_softmax(z, axis=1)
        return -(Y * logp).sum(axis=1).mean()
    if out == "identity":
        return 0.5 * ((z - Y) ** 2).sum(axis=1).mean()
    if loss == "cross_entropy":
        return (jax.nn.softplus(z[:, 0]) - Y[:, 0] * z[:, 0]).mean()
    return 0.5 * ((jax.nn.sigmoid(z[:, 0]) - Y[:, 0]) ** 2).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nnlab", default=".build/release/nnlab")
    ap.add_argument("--trials", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    npr = np.random.default_rng(a.seed)
    tmp = tempfile.mkdtemp()
    worst, kinds = 0.0, set()
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
            layer = {"units": units, "activation": rnd.choice(list(ACT)) if hidden else out, "W": W.tolist(), "b": b.tolist()}
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
            params.append((jnp.asarray(W), jnp.asarray(b), jnp.asarray(g), jnp.asarray(be)))
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
            J, grads = jax.value_and_grad(loss_fn)(params, spec, jnp.asarray(X), jnp.asarray(Y), out, loss, mode)
            J = float(J)
            floor = 1e-6 * max(1.0, abs(J))
            def rel(x, y):
                # Tensor-wise: the largest difference over the tensor's largest entry, or over
                # 1e-6 max(1, |J|) for a tensor smaller than that (the gradient check's floor).
                x, y = np.asarray(x, dtype=float), np.asarray(y)
                scale = max(np.abs(x).max(), np.abs(y).max(), floor)
                return float(np.abs(x - y).max() / scale)
            errs = [abs(got["loss"] - J) / max(abs(J), 1e-12)]
            where = ["loss"]
            for l, (gl, (dW, db, dg, dbe)) in enumerate(zip(got["layers"], grads)):
                pairs = [("dW", dW), ("db", db)] + ([("dgamma", dg), ("dbeta", dbe)] if l < depth and spec[l]["norm"] else [])
                for name, ref in pairs:
                    errs.append(rel(gl[name], ref))
                    x = np.asarray(gl[name], dtype=float)
                    where.append(f"{name}({l + 1}) max|g| {np.abs(x).max():.2e} max|diff| {np.abs(x - np.asarray(ref)).max():.2e}")
                if not (l < depth and spec[l]["norm"]) and "dgamma" in gl:
                    print(f"trial {trial}: layer {l} has no norm but nnlab printed dgamma")
                    sys.exit(1)
            e = max(errs)
            worst = max(worst, e)
            if e > 1e-9:
                print(f"trial {trial} ({mode}): {[(s.get('norm'), s.get('skip'), s.get('act')) for s in spec[:-1]]} {out}/{loss}: "
                      f"max relative difference {e:.3e} in {where[int(np.argmax(errs))]}")
    print(f"{a.trials} random networks x 2 modes ({len(kinds)} kinds of layer): largest relative difference from jax.grad {worst:.3e}")
    sys.exit(0 if worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
