#!/usr/bin/python3
"""PyTorch peer for bench/rl-ppo.bench.ts: one PPO update (SB3 `ppo/ppo.py` `train`) on a fixed rollout.

Reads a JSON job written by the bench: network sizes, Keel's initial weights (actor and critic MLPs with tanh hidden
layers, state-independent log std), the rollout (obs, pre-softmax Gaussian actions z, old log-probs, advantages,
returns, old values) and the minibatch order of every epoch (Keel's own shuffles), then
  1. check: one update in float64 and prints its statistics and final weights (to compare with Keel's),
  2. timing: `rounds` updates each in float32 and float64, single thread, and prints seconds per update.
Same arithmetic as Keel: per-minibatch advantage normalisation (unbiased std + 1e-8), clipped surrogate, value loss
mse(returns, V) (no value clipping), entropy bonus, clip_grad_norm_ over all parameters, Adam(eps=1e-5).

Usage: /usr/bin/python3 bench/peers/rl_ppo.py job.json > result.json
"""
import json
import math
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
import torch  # noqa: E402

torch.set_num_threads(1)


def mlp(sizes, weights, dtype):
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1]).to(dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(weights[2 * i], dtype=dtype).reshape(sizes[i + 1], sizes[i]))
            lin.bias.copy_(torch.tensor(weights[2 * i + 1], dtype=dtype))
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def one_update(job, dtype):
    obs_size, k, hidden = job["obsSize"], job["k"], job["hidden"]
    actor = mlp([obs_size, *hidden, k], job["actor"], dtype)
    critic = mlp([obs_size, *hidden, 1], job["critic"], dtype)
    log_std = torch.nn.Parameter(torch.tensor(job["logStd"], dtype=dtype))
    params = [*actor.parameters(), *critic.parameters(), log_std]
    opt = torch.optim.Adam(params, lr=job["learningRate"], eps=1e-5)
    n = job["nSteps"]
    obs = torch.tensor(job["obs"], dtype=dtype).reshape(n, obs_size)
    z = torch.tensor(job["actions"], dtype=dtype).reshape(n, k)
    old_logp = torch.tensor(job["logProbs"], dtype=dtype)
    adv_all = torch.tensor(job["advantages"], dtype=dtype)
    ret = torch.tensor(job["returns"], dtype=dtype)
    clip, vf, ent_coef, max_norm, B = job["clipRange"], job["vfCoef"], job["entCoef"], job["maxGradNorm"], job["batchSize"]
    stats = {"policyLoss": 0.0, "valueLoss": 0.0, "entropy": 0.0, "approxKl": 0.0, "clipFraction": 0.0}
    batches = 0
    t0 = time.perf_counter()
    for order in job["orders"]:
        idx_all = torch.tensor(order, dtype=torch.long)
        for s in range(0, n, B):
            idx = idx_all[s : s + B]
            adv = adv_all[idx]
            adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            mu = actor(obs[idx])
            dist = torch.distributions.Normal(mu, log_std.exp())
            logp = dist.log_prob(z[idx]).sum(1)
            ent = dist.entropy().sum(1)
            log_ratio = logp - old_logp[idx]
            ratio = log_ratio.exp()
            pg = -torch.min(ratio * adv, torch.clamp(ratio, 1 - clip, 1 + clip) * adv).mean()
            v = critic(obs[idx]).squeeze(1)
            vl = torch.nn.functional.mse_loss(ret[idx], v)
            loss = pg + vf * vl - ent_coef * ent.mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, max_norm)
            opt.step()
            with torch.no_grad():
                stats["policyLoss"] += pg.item()
                stats["valueLoss"] += vl.item()
                stats["entropy"] += ent.mean().item()
                stats["approxKl"] += ((ratio - 1) - log_ratio).mean().item()
                stats["clipFraction"] += ((ratio - 1).abs() > clip).to(dtype).mean().item()
            batches += 1
    secs = time.perf_counter() - t0
    stats = {key: val / batches for key, val in stats.items()}
    weights = [p.detach().reshape(-1).tolist() for p in actor.parameters()] + [
        p.detach().reshape(-1).tolist() for p in critic.parameters()
    ] + [log_std.detach().tolist()]
    return secs, stats, weights


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    _, stats, weights = one_update(job, torch.float64)
    out = {"check": {"stats": stats, "weights": weights}, "seconds": {}}
    for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        out["seconds"][name] = [one_update(job, dtype)[0] for _ in range(job["rounds"])]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
