/**
 * Neural training speed, Keel vs PyTorch CPU (single thread, float32), same architecture, same initial weights,
 * same data and same mini-batches in the same order (no shuffling), in one run:
 *   lstm  2 × LSTM(64) → dense(1) on 1000 windows of 60 steps × 4 features, batch 32, Adam 1e-3 (float64, and
 *         again with precision float32: the f32x4 WebAssembly path, torch's own precision)
 *   fnn   20 → 64 → 64 → 1 (relu) on 20 000 rows, batch 64, Adam 1e-3
 *   cnn   conv1d(4→16, k5) → relu → conv1d(16→16, k5) → relu → dense(1) on 1000 × 60 × 4, batch 32
 * Correctness first: the first epoch's mean training loss must agree to a relative 1e-4 and every later epoch's to
 * 1e-2, the predictions after training to 1e-2 absolute (targets have unit scale): Keel computes in float64, torch in
 * float32, and float32 rounding compounds over hundreds of Adam steps (the FNN's 626 steps drift ≈ 5e-4). Then it prints seconds per epoch (median), the ratio Keel / torch, and
 * Keel's heap and RSS after each epoch (flat = no growth per step; run node with --expose-gc to measure live heap:
 * `node --expose-gc bin/run-ts.mjs bench/run.ts neural`).
 *
 *   npm run bench -- neural            (KEEL_BENCH_ROUNDS=R rounds, default 3, of KEEL_BENCH_EPOCHS=E epochs,
 *                                       default 2, per side and case; KEEL_BENCH_ONLY=cnn runs only the cases
 *                                       whose name starts with it)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/core/index.ts';
import { initialise, kernelBackend, Network, train, type LayerSpec } from '../src/models/neural/index.ts';

interface BenchCase {
  name: string;
  layers: LayerSpec[];
  n: number;
  batch: number;
  epochs: number;
  learningRate: number;
  x: Float64Array;
  y: Float64Array;
}

const EPOCHS = Number(process.env['KEEL_BENCH_EPOCHS'] ?? 2);
const ROUNDS = Number(process.env['KEEL_BENCH_ROUNDS'] ?? 3);

interface TorchCase {
  secondsPerEpoch: number[];
  trainLoss: number[];
  predictions: number[];
}
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function makeCases(): BenchCase[] {
  const rng = createRng(2026);
  // a learnable signal so the loss curves are not flat: y = mean of feature 0 over the last 5 steps + noise
  const seq = (n: number, T: number, F: number): { x: Float64Array; y: Float64Array } => {
    const x = new Float64Array(n * T * F).map(() => rng.normal());
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = T - 5; t < T; t++) s += x[(i * T + t) * F]!;
      y[i] = s / 5 + 0.1 * rng.normal();
    }
    return { x, y };
  };
  const T = 60;
  const F = 4;
  const lstm = seq(1000, T, F);
  const cnn = seq(1000, T, F);
  const nF = 20000;
  const xf = new Float64Array(nF * 20).map(() => rng.normal());
  const yf = new Float64Array(nF).map((_, i) => Math.tanh(xf[i * 20]! + xf[i * 20 + 1]! * xf[i * 20 + 2]!));
  return [
    {
      name: 'lstm 2×64, 1000×60×4, batch 32',
      layers: [
        { type: 'lstm', steps: T, features: F, units: 64, returnSequences: true },
        { type: 'lstm', steps: T, features: 64, units: 64, returnSequences: false },
        { type: 'dense', inputs: 64, units: 1 },
      ],
      n: 1000,
      batch: 32,
      epochs: EPOCHS,
      learningRate: 1e-3,
      ...lstm,
    },
    {
      name: 'lstm 2×64, same, precision float32',
      layers: [
        { type: 'lstm', steps: T, features: F, units: 64, returnSequences: true, precision: 'float32' },
        { type: 'lstm', steps: T, features: 64, units: 64, returnSequences: false, precision: 'float32' },
        { type: 'dense', inputs: 64, units: 1 },
      ],
      n: 1000,
      batch: 32,
      epochs: EPOCHS,
      learningRate: 1e-3,
      ...lstm,
    },
    {
      name: 'fnn 20→64→64→1, 20000 rows, batch 64',
      layers: [
        { type: 'dense', inputs: 20, units: 64, activation: 'relu' },
        { type: 'dense', inputs: 64, units: 64, activation: 'relu' },
        { type: 'dense', inputs: 64, units: 1 },
      ],
      n: nF,
      batch: 64,
      epochs: EPOCHS,
      learningRate: 1e-3,
      x: xf,
      y: yf,
    },
    {
      name: 'cnn1d 2×(16 filters, k5), 1000×60×4, batch 32',
      layers: [
        { type: 'conv1d', steps: T, channels: F, filters: 16, kernelSize: 5, activation: 'relu' },
        { type: 'conv1d', steps: 56, channels: 16, filters: 16, kernelSize: 5, activation: 'relu' },
        { type: 'dense', inputs: 52 * 16, units: 1 },
      ],
      n: 1000,
      batch: 32,
      epochs: EPOCHS,
      learningRate: 1e-3,
      ...cnn,
    },
  ];
}

/** Trains `net` on the case with Adam, no shuffling; seconds, mean loss, live heap and RSS per epoch. */
function runKeel(
  c: BenchCase,
  net: Network,
): { secs: number[]; losses: number[]; heap: number[]; rss: number[]; pred: Float64Array } {
  const secs: number[] = [];
  const heap: number[] = [];
  const rss: number[] = [];
  const opts = {
    epochs: c.epochs,
    batchSize: c.batch,
    optimizer: 'adam' as const,
    learningRate: c.learningRate,
    momentum: 0,
    l2: 0,
    clipNorm: 0,
    patience: 0,
    shuffle: false,
    divergenceFactor: Infinity,
  };
  // all epochs in one call (Adam's state carries over); the epoch callback times each epoch
  let last = performance.now();
  const h = train(net, { X: c.x, Y: c.y, n: c.n }, null, opts, { uniform: () => 0 }, () => {
    secs.push((performance.now() - last) / 1000);
    // with `node --expose-gc`, collect first so heapUsed shows live memory only (else it includes garbage)
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    heap.push(m.heapUsed / 2 ** 20);
    rss.push(m.rss / 2 ** 20);
    last = performance.now();
  });
  const pred = net.forward(c.x.subarray(0, 16 * net.inSize), 16, false).slice(0, 16);
  return { secs, losses: h.trainLoss, heap, rss, pred };
}

export default function neuralBench(): void {
  const only = process.env['KEEL_BENCH_ONLY'];
  const cases = makeCases().filter((c) => only === undefined || c.name.startsWith(only));
  const nets = cases.map((c) => {
    const net = new Network(c.layers, 'mse', { uniform: () => 0.5 });
    initialise(net, createRng(7));
    return net;
  });
  const dir = mkdtempSync(join(tmpdir(), 'keel-neural-'));
  try {
    const jobCase = (c: BenchCase, k: number): object => ({
      name: c.name,
      layers: c.layers,
      n: c.n,
      batch: c.batch,
      epochs: c.epochs,
      learningRate: c.learningRate,
      x: Array.from(c.x),
      y: Array.from(c.y),
      initial: nets[k]!.params.map((p) => Array.from(p.value)),
      checkRows: 16,
    });

    console.log(
      `PyTorch (Debian python3-torch), 1 thread, float32 · Keel ${kernelBackend()} kernels · ${ROUNDS} rounds × ${EPOCHS} epochs per case, medians`,
    );
    console.log(
      'case'.padEnd(48),
      'keel s/ep'.padStart(10),
      'torch s/ep'.padStart(11),
      'ratio'.padStart(7),
      '(rounds)   loss check   memory (heap MiB / rss MiB per epoch)',
    );
    // Rounds per case: Keel trains from the initial weights, then torch does (never both at once on this ~1-core
    // machine); the ratio is the median of the per-round ratios, so a change in the machine's load between rounds
    // biases it little. Round 1 also checks that both sides computed the same thing.
    for (const [k, c] of cases.entries()) {
      writeFileSync(join(dir, 'job.json'), JSON.stringify({ cases: [jobCase(c, k)] }));
      const initial = nets[k]!.snapshot();
      const roundRatios: number[] = [];
      const keelSecs: number[] = [];
      const torchSecs: number[] = [];
      const heap: number[] = [];
      const rss: number[] = [];
      let first: { kr: ReturnType<typeof runKeel>; tr: TorchCase } | undefined;
      let failed = '';
      for (let round = 0; round < ROUNDS && failed === ''; round++) {
        nets[k]!.restore(initial);
        const kr = runKeel(c, nets[k]!);
        const py = spawnSync(
          '/usr/bin/python3',
          [new URL('./peers/neural.py', import.meta.url).pathname, join(dir, 'job.json')],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 26,
          },
        );
        if (py.status !== 0) {
          failed = py.stderr.trim().split('\n').pop() ?? 'unknown error';
          break;
        }
        const tr = (JSON.parse(py.stdout) as { cases: TorchCase[] }).cases[0]!;
        first ??= { kr, tr };
        keelSecs.push(...kr.secs);
        heap.push(...kr.heap);
        rss.push(...kr.rss);
        torchSecs.push(...tr.secondsPerEpoch);
        roundRatios.push(median(kr.secs) / median(tr.secondsPerEpoch));
      }
      if (first === undefined) {
        console.log(`${c.name}: torch peer failed (is Debian python3-torch installed?): ${failed}`);
        continue;
      }
      const { kr, tr } = first;
      const rel = (e: number): number => Math.abs(kr.losses[e]! - tr.trainLoss[e]!) / Math.abs(tr.trainLoss[e]!);
      let worstLoss = 0;
      kr.losses.forEach((_, e) => (worstLoss = Math.max(worstLoss, rel(e))));
      let worstPred = 0;
      kr.pred.forEach((p, i) => (worstPred = Math.max(worstPred, Math.abs(p - tr.predictions[i]!))));
      const ok = rel(0) < 1e-4 && worstLoss < 1e-2 && worstPred < 1e-2;
      const sorted = [...roundRatios].sort((a, b) => a - b);
      console.log(
        c.name.padEnd(48),
        median(keelSecs).toFixed(3).padStart(10),
        median(torchSecs).toFixed(3).padStart(11),
        median(roundRatios).toFixed(2).padStart(7),
        `(${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)})`,
        `  ${ok ? 'same' : 'DIFFERENT'} (loss rel ${worstLoss.toExponential(1)}, pred ${worstPred.toExponential(1)})`,
        `  ${heap.map((v) => v.toFixed(1)).join('/')} · ${rss.map((v) => v.toFixed(0)).join('/')}`,
      );
      console.log(
        `${''.padEnd(48)} loss per epoch keel ${kr.losses.map((v) => v.toPrecision(4)).join(', ')} | torch ${tr.trainLoss.map((v) => v.toPrecision(4)).join(', ')}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
