#!/usr/bin/python3
"""PyTorch peer for bench/neural.bench.ts. Reads a JSON job (layers in Keel's spec, initial weights in Keel's layout,
data), builds the same network in torch (float32, CPU, torch.set_num_threads(1)), trains it with Adam for the same
epochs over the same mini-batches in the same order (no shuffling), and prints JSON: seconds per epoch, mean training
loss per epoch, and predictions on the first rows after training.

Usage: /usr/bin/python3 bench/peers/neural.py job.json > result.json
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
import torch  # noqa: E402

torch.set_num_threads(1)


class Seq(torch.nn.Module):
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
            elif t == "activation":
                self.mods.append({"relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid()}[s["fn"]])
            else:
                raise ValueError(t)

    def forward(self, x):
        b = x.shape[0]
        h = x
        for s, m in zip(self.specs, self.mods):
            t = s["type"]
            if t in ("lstm", "gru"):
                seq, _ = m(h.reshape(b, s["steps"], s["features"]))
                h = seq.reshape(b, -1) if s["returnSequences"] else seq[:, -1, :]
            elif t == "conv1d":
                h = m(h.reshape(b, s["steps"], s["channels"]).transpose(1, 2)).transpose(1, 2).reshape(b, -1)
                if "activation" in s:  # Keel fuses the activation into the convolution layer
                    h = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[s["activation"]](h)
            else:
                h = m(h)
                if t == "dense" and "activation" in s:  # Keel fuses the activation into the dense layer
                    h = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[s["activation"]](h)
        return h

    def load_keel(self, weights):
        params = []
        for s, m in zip(self.specs, self.mods):
            t = s["type"]
            if t == "dense":
                params += [(m.weight, None), (m.bias, None)]
            elif t in ("lstm", "gru"):
                params += [(m.weight_ih_l0, None), (m.weight_hh_l0, None), (m.bias_ih_l0, None), (m.bias_hh_l0, None)]
            elif t == "conv1d":
                params += [(m.weight, "okc"), (m.bias, None)]
        assert len(params) == len(weights), (len(params), len(weights))
        with torch.no_grad():
            for (p, layout), w in zip(params, weights):
                t = torch.tensor(w, dtype=torch.float32)
                if layout == "okc":
                    o, c, k = p.shape
                    t = t.reshape(o, k, c).permute(0, 2, 1)
                p.copy_(t.reshape(p.shape))


def main():
    job = json.load(open(sys.argv[1]))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "cases": []}
    for c in job["cases"]:
        net = Seq(c["layers"])
        net.load_keel(c["initial"])
        n, B = c["n"], c["batch"]
        x = torch.tensor(c["x"], dtype=torch.float32).reshape(n, -1)
        y = torch.tensor(c["y"], dtype=torch.float32).reshape(n, -1)
        opt = torch.optim.Adam(net.parameters(), lr=c["learningRate"])
        lossf = torch.nn.MSELoss()
        secs, losses = [], []
        for _ in range(c["epochs"]):
            t0 = time.perf_counter()
            tot = 0.0
            for i in range(0, n, B):
                opt.zero_grad()
                loss = lossf(net(x[i:i + B]), y[i:i + B])
                loss.backward()
                opt.step()
                tot += float(loss) * min(B, n - i)
            secs.append(time.perf_counter() - t0)
            losses.append(tot / n)
        with torch.no_grad():
            pred = net(x[: c["checkRows"]]).reshape(-1).tolist()
        out["cases"].append({"name": c["name"], "secondsPerEpoch": secs, "trainLoss": losses, "predictions": pred})
    json.dump(out, sys.stdout)


main()
