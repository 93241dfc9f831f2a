#!/usr/bin/env python3
"""Cross-check `nnlab grad` against PyTorch's automatic differentiation (float64).

  python3 Tests/crosscheck/grad_vs_torch.py [--nnlab .build/release/nnlab] [--trials 200]

Random architectures (every hidden activation, every output/loss pair, 0-3 hidden layers),
random weights, random data and L2; writes a model file and a CSV, runs `nnlab grad`, and
compares the loss and every dW, db with torch.autograd. Needs torch (not run by CI).
"""
import argparse, json, os, random, subprocess, sys, tempfile
import torch

ACT = ["logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "maxout"]
OUT = [("identity", "squared_error"), ("logistic", "squared_error"),
       ("logistic", "cross_entropy"), ("softmax", "cross_entropy")]


def hidden_fn(name, slope):
    return {"logistic": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
            "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, slope),
            "abs": torch.abs, "softplus": torch.nn.functional.softplus, "linear": lambda z: z}[name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nnlab", default=".build/release/nnlab")
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    worst = 0.0
    tmp = tempfile.mkdtemp()
    for trial in range(a.trials):
        inputs = rnd.randint(1, 4)
        depth = rnd.randint(0, 3)
        out, loss = rnd.choice(OUT)
        outputs = rnd.randint(2, 4) if out == "softmax" else (rnd.randint(1, 3) if out == "identity" else 1)
        act = rnd.choice(ACT)
        slope, pieces = rnd.choice([0.01, 0.2]), rnd.randint(2, 3)
        widths = [rnd.randint(1, 6) for _ in range(depth)]
        l2 = rnd.choice([0.0, 0.0, 0.01, 0.3])
        layers, params = [], []
        fan = inputs
        for w in widths + [outputs]:
            hidden = len(layers) < depth
            rows = w * pieces if hidden and act == "maxout" else w
            W = torch.randn(rows, fan, dtype=torch.float64) * rnd.choice([0.3, 1.0, 2.0])
            b = torch.randn(rows, dtype=torch.float64) * 0.5
            layer = {"units": w, "activation": act if hidden else out, "W": W.tolist(), "b": b.tolist()}
            if hidden and act == "leaky_relu":
                layer["slope"] = slope
            if hidden and act == "maxout":
                layer["pieces"] = pieces
            layers.append(layer)
            params.append((W.requires_grad_(), b.requires_grad_()))
            fan = w
        m = rnd.randint(1, 40)
        X = torch.randn(m, inputs, dtype=torch.float64) * 2
        if out == "identity":
            Y = torch.randn(m, outputs, dtype=torch.float64)
            rows = [list(map(float, X[i])) + list(map(float, Y[i])) for i in range(m)]
        else:
            k = outputs if out == "softmax" else 2
            labels = torch.randint(0, k, (m,))
            rows = [list(map(float, X[i])) + [int(labels[i])] for i in range(m)]
        model = {"format": "nnlab-model", "version": 1, "inputs": inputs, "loss": loss, "layers": layers}
        mp, dp = os.path.join(tmp, "m.json"), os.path.join(tmp, "d.csv")
        json.dump(model, open(mp, "w"))
        with open(dp, "w") as f:
            f.write(",".join(f"c{i}" for i in range(len(rows[0]))) + "\n")
            for r in rows:
                f.write(",".join(repr(v) for v in r) + "\n")
        res = subprocess.run([a.nnlab, "grad", "--model", mp, "--data", dp, "--l2", str(l2)],
                             capture_output=True, text=True)
        if res.returncode != 0:
            print("nnlab failed:", res.stderr); sys.exit(1)
        got = json.loads(res.stdout)
        # torch
        h = X
        for li, (W, b) in enumerate(params):
            z = h @ W.T + b
            if li < depth:
                if act == "maxout":
                    h = z.view(m, widths[li], pieces).max(dim=2).values
                else:
                    h = hidden_fn(act, slope)(z)
            else:
                h = z
        z = h
        if out == "identity":
            J = 0.5 * ((z - Y) ** 2).sum(1).mean()
        elif out == "softmax":
            J = torch.nn.functional.cross_entropy(z, labels, reduction="mean")
        elif loss == "cross_entropy":
            J = torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], labels.double(), reduction="mean")
        else:
            J = 0.5 * ((torch.sigmoid(z[:, 0]) - labels.double()) ** 2).mean()
        J = J + 0.5 * l2 * sum((W ** 2).sum() for W, _ in params)
        J.backward()
        def rel(x, y):
            x, y = torch.tensor(x, dtype=torch.float64), y.detach()
            return float(((x - y).abs() / torch.clamp(torch.maximum(x.abs(), y.abs()), min=1e-12)).max())
        Jv = float(J.detach())
        errs = [abs(got["loss"] - Jv) / max(abs(Jv), 1e-12)]
        for (W, b), g in zip(params, got["layers"]):
            errs += [rel(g["dW"], W.grad), rel(g["db"], b.grad)]
        e = max(errs)
        worst = max(worst, e)
        if e > 1e-9:
            print(f"trial {trial}: {act} {widths} {out}/{loss} l2={l2}: max relative difference {e:.3e}")
    print(f"{a.trials} random networks: largest relative difference from torch.autograd {worst:.3e}")
    sys.exit(0 if worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
