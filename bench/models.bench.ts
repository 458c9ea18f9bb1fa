/**
 * Models benchmark: Keel's random forest, gradient boosting and SVR against scikit-learn / XGBoost on the SAME
 * data (Friedman #1 regression, generated here with a seeded RNG, written to a temp CSV the Python peer reads), in
 * the same run. Prints median fit seconds of several runs, the ratio Keel/peer, and out-of-sample R² of both.
 *
 *   npm run bench -- models                      # all three
 *   KEEL_BENCH_ONLY=gb,svr KEEL_BENCH_REPEATS=5 npm run bench -- models
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearBinCache, modelKinds, modelRng, SvmModel, type Dataset, type FittedModel } from '../src/models/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';

/** Friedman #1 (scikit-learn's make_friedman1): 5 informative features of p, y = 10 sin(πx₀x₁) + 20(x₂−½)² + 10x₃ + 5x₄ + N(0,1). */
export function friedman1(n: number, p: number, seed: number): Dataset {
  const r = modelRng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = r.uniform();
    const o = i * p;
    y[i] = 10 * Math.sin(Math.PI * X[o]! * X[o + 1]!) + 20 * (X[o + 2]! - 0.5) ** 2 + 10 * X[o + 3]! + 5 * X[o + 4]! + r.normal();
  }
  return { X, y, n, p, featureNames: Array.from({ length: p }, (_, j) => `x${j}`) };
}

function writeCsv(path: string, train: Dataset, test: Dataset): void {
  const lines = [['split', 'y', ...train.featureNames].join(',')];
  for (const [name, d] of [['train', train], ['test', test]] as const) {
    for (let i = 0; i < d.n; i++) {
      const row = [name, d.y[i]!.toPrecision(17)];
      for (let j = 0; j < d.p; j++) row.push(d.X[i * d.p + j]!.toPrecision(17));
      lines.push(row.join(','));
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

function r2(y: Float64Array, f: Float64Array): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) { a += (y[i]! - f[i]!) ** 2; b += (y[i]! - m) ** 2; }
  return 1 - a / b;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Workload {
  name: string; kind: string; params: Record<string, unknown>; peer: 'rf' | 'xgb' | 'svr'; peerParams: Record<string, unknown>;
  nTrain: number; nTest: number; p: number;
}

const workloads: Workload[] = [
  {
    name: 'random forest, 100 trees, 20 000 × 20', kind: 'random-forest', params: { nTrees: 100 },
    peer: 'rf', peerParams: { n_estimators: 100, random_state: 0 }, nTrain: 20_000, nTest: 5_000, p: 20,
  },
  {
    name: 'gradient boosting, 100 rounds depth 6 lr 0.1, 20 000 × 20', kind: 'gradient-boosting',
    params: { nRounds: 100, maxDepth: 6, learningRate: 0.1, lambda: 1, minChildWeight: 1, maxBins: 256 },
    peer: 'xgb', peerParams: { n_estimators: 100, max_depth: 6, learning_rate: 0.1, reg_lambda: 1, min_child_weight: 1, max_bin: 256, random_state: 0 },
    nTrain: 20_000, nTest: 5_000, p: 20,
  },
  {
    name: 'SVR rbf C=10 ε=0.1 γ=scale, 5 000 × 20', kind: 'svr', params: { kernel: 'rbf', C: 10, epsilon: 0.1, gamma: 'scale', standardize: false },
    peer: 'svr', peerParams: { kernel: 'rbf', C: 10, epsilon: 0.1, gamma: 'scale' }, nTrain: 5_000, nTest: 2_000, p: 20,
  },
];

export default async function main(): Promise<void> {
  const repeats = Number(process.env['KEEL_BENCH_REPEATS'] ?? 3);
  const only = (process.env['KEEL_BENCH_ONLY'] ?? 'rf,gb,svr').split(',');
  const tag = (w: Workload): string => (w.peer === 'xgb' ? 'gb' : w.peer);
  const dir = mkdtempSync(join(tmpdir(), 'keel-models-bench-'));
  try {
    for (const w of workloads) {
      if (!only.includes(tag(w))) continue;
      const train = friedman1(w.nTrain, w.p, 1);
      const test = friedman1(w.nTest, w.p, 2);
      const csv = join(dir, `${tag(w)}.csv`);
      writeCsv(csv, train, test);
      // Keel and the peer alternate, one fit each per repeat, so load changes on this shared machine hit both alike.
      const kind = modelKinds[w.kind]!;
      const times: number[] = [];
      const peerTimes: number[] = [];
      const cpu: number[] = [];
      const peerCpu: number[] = [];
      let model: FittedModel | null = null;
      let peerR2 = NaN;
      let peerSv = '';
      for (let r = 0; r < repeats; r++) {
        clearBinCache(); // each repeat times a cold fit: the binning of the same matrix would be reused otherwise
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        model = kind.create(w.params).fit(train, { asOf: '9999-12-31', seed: 0 });
        const c1 = process.cpuUsage(c0);
        times.push((performance.now() - t0) / 1000);
        cpu.push((c1.user + c1.system) / 1e6);
        const out = execFileSync(PY, [join(here, 'peers', 'models.py'), csv, w.peer, JSON.stringify(w.peerParams), '1'], {
          encoding: 'utf8', maxBuffer: 1 << 26,
        });
        const peerRun = JSON.parse(out) as { median_s: number; cpu_median_s: number; r2_test: number; n_support?: number; n_iter?: number };
        if (peerRun.n_support !== undefined) peerSv = `${peerRun.n_support} SVs, ${peerRun.n_iter} SMO steps`;
        peerTimes.push(peerRun.median_s);
        peerCpu.push(peerRun.cpu_median_s);
        peerR2 = peerRun.r2_test;
      }
      const keelR2 = r2(test.y, model!.predict(test.X, test.n));
      const peer = { median_s: median(peerTimes), times_s: peerTimes, r2_test: peerR2 };
      const pairRatios = times.map((t, r) => t / peerTimes[r]!);
      const keelMed = median(times);
      console.log(`\n${w.name}  (fit wall time, median of ${repeats}, keel and peer alternating; R² on ${w.nTest} held-out rows)`);
      console.log(`  keel  ${keelMed.toFixed(3)} s  [${times.map((t) => t.toFixed(2)).join(', ')}]  R² ${keelR2.toFixed(4)}`);
      console.log(`  peer  ${peer.median_s.toFixed(3)} s  [${peer.times_s.map((t) => t.toFixed(2)).join(', ')}]  R² ${peer.r2_test.toFixed(4)}  (${w.peer === 'xgb' ? 'xgboost hist nthread=1' : `scikit-learn ${w.peer === 'rf' ? 'RandomForestRegressor n_jobs=1' : 'SVR'}`})`);
      console.log(`  cpu   keel ${median(cpu).toFixed(3)} s  peer ${median(peerCpu).toFixed(3)} s  → cpu ratio ${(median(cpu) / median(peerCpu)).toFixed(2)}`);
      if (model instanceof SvmModel) console.log(`  SVs   keel ${model.machines[0]!.sv.length}  peer ${peerSv}`);
      console.log(`  ratio keel/peer ${(keelMed / peer.median_s).toFixed(2)} (median of paired ratios ${median(pairRatios).toFixed(2)})   ΔR² keel−peer ${(keelR2 - peer.r2_test >= 0 ? '+' : '')}${(keelR2 - peer.r2_test).toFixed(4)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
