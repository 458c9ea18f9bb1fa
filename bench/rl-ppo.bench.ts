/**
 * PPO update throughput, Keel vs a single-thread PyTorch PPO (bench/peers/rl_ppo.py), issue 10 item 6. Both run one
 * SB3-style PPO update (`train`) on the same fixed rollout from the same initial weights, with the same minibatch
 * order (Keel's shuffles, handed to the peer): obs 32 → actor 64-64 (tanh) → 5 Gaussian means with a state-free
 * log σ, critic 64-64 → 1, nSteps 2048, batch 64, 10 epochs (SB3's defaults: 320 Adam steps per update), entropy
 * coefficient 0.01, no value clipping, no target KL.
 *
 * Correctness first: torch in float64 must give the same update statistics (policy and value loss, entropy,
 * approx-KL, clip fraction) to a relative 1e-6 and the same weights to 1e-6 absolute (both float64; only summation
 * order differs). Then it prints the median seconds per update (samples × epochs per second) for Keel (float64)
 * and torch in float32 (its usual precision) and float64, and the ratios Keel / torch.
 *
 *   npm run bench -- rl-ppo            (KEEL_BENCH_ROUNDS=R updates per side, default 5)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/core/index.ts';
import { Adam, kernelBackend } from '../src/models/neural/index.ts';
import { RolloutBuffer } from '../src/agents/buffers.ts';
import { Ppo, type PpoParams } from '../src/agents/ppo.ts';
import { here } from './shared-bench.ts';

const ROUNDS = Number(process.env['KEEL_BENCH_ROUNDS'] ?? 5);
const OBS = 32;
const K = 5;
const params: Partial<PpoParams> = {
  seed: 11,
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  hidden: [64, 64],
  entCoef: 0.01,
  learningRate: 3e-4,
};

/** Exposes the update of a Ppo on a given rollout (what `learn` calls after each collection). */
class BenchPpo extends Ppo {
  setup(): void {
    this.build(OBS, 'box', K);
  }
  update(buffer: RolloutBuffer): Record<string, number> {
    const opt = new Adam(this.trainable, {
      learningRate: this.params.learningRate,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-5,
      l2: 0,
    });
    this.actor!.allocate(this.params.nSteps);
    this.critic!.allocate(this.params.nSteps);
    try {
      return this.train({ buffer, optimizer: opt, progressRemaining: 1 });
    } finally {
      opt.dispose();
    }
  }
  weights(): number[][] {
    return this.trainable.map((t) => Array.from(t.value));
  }
  logProbsOf(buffer: RolloutBuffer): void {
    const n = buffer.nSteps;
    this.actor!.allocate(n);
    const out = this.actor!.forward(buffer.obs, n, false);
    this.dist!.logProbs(out, buffer.actions, n, buffer.logProbs);
  }
}

function rollout(agent: BenchPpo): RolloutBuffer {
  const n = params.nSteps!;
  const rng = createRng(5);
  const b = new RolloutBuffer(n, OBS, K);
  for (let i = 0; i < n * OBS; i++) b.obs[i] = rng.normal();
  for (let i = 0; i < n * K; i++) b.actions[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    b.advantages[i] = rng.normal();
    b.returns[i] = rng.normal();
    b.values[i] = rng.normal();
  }
  b.size = n;
  agent.logProbsOf(b); // old log-probs of the initial policy: ratios start at 1
  return b;
}

/** The epochs' minibatch orders Keel's update will use (the same stream: seed → fork('train'), one shuffle per epoch). */
function keelOrders(): number[][] {
  const rng = createRng(params.seed!).fork('train');
  const order = new Int32Array(params.nSteps!).map((_, i) => i);
  const out: number[][] = [];
  for (let e = 0; e < params.nEpochs!; e++) out.push(Array.from(rng.shuffle(order)));
  return out;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export default function main(): void {
  const agent = new BenchPpo(params);
  agent.setup();
  const init = agent.weights();
  const buffer = rollout(agent);
  const nLin = 3; // dense layers per MLP: weight and bias each
  const job = {
    obsSize: OBS,
    k: K,
    hidden: params.hidden,
    actor: init.slice(0, 2 * nLin),
    critic: init.slice(2 * nLin, 4 * nLin),
    logStd: init[4 * nLin],
    nSteps: params.nSteps,
    batchSize: params.batchSize,
    clipRange: 0.2,
    vfCoef: 0.5,
    entCoef: params.entCoef,
    maxGradNorm: 0.5,
    learningRate: params.learningRate,
    obs: Array.from(buffer.obs),
    actions: Array.from(buffer.actions),
    logProbs: Array.from(buffer.logProbs),
    advantages: Array.from(buffer.advantages),
    returns: Array.from(buffer.returns),
    orders: keelOrders(),
    rounds: ROUNDS,
  };
  const dir = mkdtempSync(join(tmpdir(), 'keel-rl-ppo-'));
  let peer: {
    check: { stats: Record<string, number>; weights: number[][] };
    seconds: { float32: number[]; float64: number[] };
  };
  try {
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const py = spawnSync('/usr/bin/python3', [join(here, 'peers', 'rl_ppo.py'), join(dir, 'job.json')], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (py.status !== 0) {
      console.log(`torch peer failed (is Debian python3-torch installed?): ${py.stderr.trim().split('\n').at(-1)}`);
      return;
    }
    peer = JSON.parse(py.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // correctness: Keel's first update from the initial weights vs torch float64
  const stats = agent.update(buffer);
  const keys = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'];
  const statErr = Math.max(
    ...keys.map(
      (key) => Math.abs(stats[key]! - peer.check.stats[key]!) / Math.max(1e-12, Math.abs(peer.check.stats[key]!)),
    ),
  );
  const w = agent.weights();
  let wErr = 0;
  w.forEach((a, i) => a.forEach((v, j) => (wErr = Math.max(wErr, Math.abs(v - peer.check.weights[i]![j]!)))));
  const ok = statErr < 1e-6 && wErr < 1e-6;

  // timing: fresh agents (same start) so every round does the same work
  const secs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = new BenchPpo(params);
    a.setup();
    const t0 = performance.now();
    a.update(buffer);
    secs.push((performance.now() - t0) / 1000);
  }
  const samples = params.nSteps! * params.nEpochs!;
  const k = median(secs);
  const t32 = median(peer.seconds.float32);
  const t64 = median(peer.seconds.float64);
  console.log(
    `PPO update, obs ${OBS} → 64-64 tanh → ${K} (softmax-Gaussian) + critic 64-64 → 1, nSteps ${params.nSteps}, batch ${params.batchSize}, ${params.nEpochs} epochs · Keel ${kernelBackend()} kernels float64 · PyTorch 1 thread · median of ${ROUNDS} updates (machine shared with other jobs)`,
  );
  console.log(
    `  check vs torch float64: stats rel err ${statErr.toExponential(1)}, weights abs err ${wErr.toExponential(1)} → ${ok ? 'ok' : 'MISMATCH'}`,
  );
  console.log(`  Keel          ${k.toFixed(3)} s/update  ${(samples / k).toFixed(0)} samples/s`);
  console.log(
    `  torch float32 ${t32.toFixed(3)} s/update  ${(samples / t32).toFixed(0)} samples/s   ratio Keel/torch ${(k / t32).toFixed(2)}`,
  );
  console.log(
    `  torch float64 ${t64.toFixed(3)} s/update  ${(samples / t64).toFixed(0)} samples/s   ratio Keel/torch ${(k / t64).toFixed(2)}`,
  );
  if (!ok) process.exitCode = 1;
}
