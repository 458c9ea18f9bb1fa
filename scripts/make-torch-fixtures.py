#!/usr/bin/python3
"""Writes src/models/neural/fixtures/torch-parity.json: PyTorch's forward pass, gradients and one optimiser step
for small networks built from the same layers as Keel's neural kit, from PyTorch's own seeded initial weights.
The Keel test (src/models/neural/torch-parity.test.ts) loads the same weights and data and must agree within 1e-4.

Run with Debian's torch:  /usr/bin/python3 scripts/make-torch-fixtures.py
Parameter layouts are exported in Keel's order and layout:
  dense   weight (out x in), bias                          (= nn.Linear)
  lstm    weight_ih (4H x F), weight_hh (4H x H), bias_ih, bias_hh   (= nn.LSTM, gates i f g o)
  gru     weight_ih (3H x F), weight_hh (3H x H), bias_ih, bias_hh   (= nn.GRU, gates r z n)
  conv1d  weight (O x K x C) = torch weight (O x C x K) permuted; bias; Keel is channels-last, so the torch
          model transposes (b, T, C) -> (b, C, T) in and back out before flattening
  layerNorm gamma, beta
Computation is float64 in torch (torch.set_default_dtype(torch.float64)) so the fixture is an exact oracle; a second
LSTM case runs in float32 (torch's default) to show the float32-vs-float64 gap is also inside 1e-4.
"""
import json
import os
import sys

import torch

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "models", "neural", "fixtures", "torch-parity.json")


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


class Seq(torch.nn.Module):
    """Sequential stack over Keel-style layer specs; returns (module list, keel param tensors in order)."""

    def __init__(self, specs):
        super().__init__()
        self.specs = specs
        self.mods = torch.nn.ModuleList()
        for s in specs:
            t = s["type"]
            if t == "dense":
                self.mods.append(torch.nn.Linear(s["inputs"], s["units"]))
            elif t == "lstm":
                self.mods.append(torch.nn.LSTM(s["features"], s["units"], batch_first=True))
            elif t == "gru":
                self.mods.append(torch.nn.GRU(s["features"], s["units"], batch_first=True))
            elif t == "conv1d":
                self.mods.append(torch.nn.Conv1d(s["channels"], s["filters"], s["kernelSize"]))
            elif t == "layerNorm":
                self.mods.append(torch.nn.LayerNorm(s["dim"], eps=s["eps"]))
            elif t == "activation":
                self.mods.append({"relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid()}[s["fn"]])
            else:
                raise ValueError(t)

    def forward(self, x):  # x: (b, inSize) flat, like Keel
        b = x.shape[0]
        h = x
        for s, m in zip(self.specs, self.mods):
            t = s["type"]
            if t in ("lstm", "gru"):
                seq, _ = m(h.reshape(b, s["steps"], s["features"]))
                h = seq.reshape(b, -1) if s["returnSequences"] else seq[:, -1, :]
            elif t == "conv1d":
                y = m(h.reshape(b, s["steps"], s["channels"]).transpose(1, 2))  # (b, O, T')
                h = y.transpose(1, 2).reshape(b, -1)
            elif t == "layerNorm":
                h = m(h.reshape(b, -1, s["dim"])).reshape(b, -1)
            else:
                h = m(h)
        return h

    def keel_params(self):
        out = []
        for s, m in zip(self.specs, self.mods):
            t = s["type"]
            if t == "dense":
                out += [("weight", m.weight, lambda g: g), ("bias", m.bias, lambda g: g)]
            elif t in ("lstm", "gru"):
                out += [("weight_ih", m.weight_ih_l0, lambda g: g), ("weight_hh", m.weight_hh_l0, lambda g: g),
                        ("bias_ih", m.bias_ih_l0, lambda g: g), ("bias_hh", m.bias_hh_l0, lambda g: g)]
            elif t == "conv1d":
                out += [("weight", m.weight, lambda g: g.permute(0, 2, 1)), ("bias", m.bias, lambda g: g)]
            elif t == "layerNorm":
                out += [("gamma", m.weight, lambda g: g), ("beta", m.bias, lambda g: g)]
        return out


def case(name, specs, loss, x_shape, n_classes, optimizer, clip, seed, dtype=torch.float64):
    torch.set_default_dtype(dtype)
    torch.manual_seed(seed)
    net = Seq(specs)
    b = x_shape[0]
    x = torch.randn(*x_shape).reshape(b, -1)
    if loss == "mse":
        y = torch.randn(b, specs[-1]["units"])
        lossf = torch.nn.MSELoss()
    else:
        y = torch.randint(0, n_classes, (b,))
        lossf = torch.nn.CrossEntropyLoss()
    kp = net.keel_params()
    init = [flat(f(p)) for _, p, f in kp]
    out = net(x)
    l = lossf(out, y)
    l.backward()
    grads = [flat(f(p.grad)) for _, p, f in kp]
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
    if optimizer["kind"] == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=optimizer["learningRate"], weight_decay=optimizer["l2"])
    else:
        opt = torch.optim.SGD(net.parameters(), lr=optimizer["learningRate"], momentum=optimizer["momentum"],
                              weight_decay=optimizer["l2"])
    opt.step()
    after = [flat(f(p)) for _, p, f in kp]
    # a second step from a fresh gradient exercises the optimiser state (momentum / Adam moments)
    opt.zero_grad()
    l2 = lossf(net(x), y)
    l2.backward()
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
    opt.step()
    after2 = [flat(f(p)) for _, p, f in kp]
    with torch.no_grad():
        out2 = net(x)
    torch.set_default_dtype(torch.float64)
    return {
        "name": name, "dtype": str(dtype).replace("torch.", ""), "layers": specs, "loss": loss, "batch": b,
        "x": flat(x), "y": flat(y.double()), "initial": init, "paramNames": [n for n, _, _ in kp],
        "optimizer": optimizer, "clipNorm": clip,
        "expected": {"output": flat(out), "loss": float(l), "grads": grads, "afterStep1": after,
                     "secondLoss": float(l2), "afterStep2": after2, "outputAfterStep2": flat(out2)},
    }


adam = {"kind": "adam", "learningRate": 0.01, "l2": 0.0, "momentum": 0.0}
sgd = {"kind": "sgd", "learningRate": 0.05, "l2": 0.01, "momentum": 0.9}
cases = [
    case("lstm 2 layers + dense, mse, adam", [
        {"type": "lstm", "steps": 6, "features": 3, "units": 5, "returnSequences": True},
        {"type": "lstm", "steps": 6, "features": 5, "units": 4, "returnSequences": False},
        {"type": "dense", "inputs": 4, "units": 1}], "mse", (4, 6, 3), 0, adam, 0.0, 1),
    case("lstm float32 (torch default dtype), mse, adam", [
        {"type": "lstm", "steps": 6, "features": 3, "units": 5, "returnSequences": False},
        {"type": "dense", "inputs": 5, "units": 1}], "mse", (4, 6, 3), 0, adam, 0.0, 2, torch.float32),
    case("gru 2 layers + dense, mse, sgd momentum + l2 + clipping", [
        {"type": "gru", "steps": 5, "features": 2, "units": 4, "returnSequences": True},
        {"type": "gru", "steps": 5, "features": 4, "units": 3, "returnSequences": False},
        {"type": "dense", "inputs": 3, "units": 2}], "mse", (3, 5, 2), 0, sgd, 0.1, 3),
    case("conv1d + relu + dense, mse, adam", [
        {"type": "conv1d", "steps": 8, "channels": 2, "filters": 3, "kernelSize": 3},
        {"type": "activation", "size": 18, "fn": "relu"},
        {"type": "dense", "inputs": 18, "units": 1}], "mse", (4, 8, 2), 0, adam, 0.0, 4),
    case("dense + layerNorm + tanh + dense, cross-entropy, sgd momentum", [
        {"type": "dense", "inputs": 4, "units": 6},
        {"type": "layerNorm", "size": 6, "dim": 6, "eps": 1e-5},
        {"type": "activation", "size": 6, "fn": "tanh"},
        {"type": "dense", "inputs": 6, "units": 3}], "crossEntropy", (5, 4), 3, sgd, 0.0, 5),
]
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "scripts/make-torch-fixtures.py", "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {os.path.relpath(OUT)} ({len(cases)} cases, torch {torch.__version__})", file=sys.stderr)
