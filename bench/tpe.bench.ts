/**
 * `npm run bench -- tpe`: Keel's TPE sampler against optuna's TPESampler (python3-optuna; defaults on both sides:
 * 10 random start-up trials, 24 EI candidates, γ(n) = min(⌈0.1n⌉, 25), independent per parameter), and both against
 * random search, on (a) a 4-D quadratic with seeded Gaussian noise (σ = 0.5, the same noise draws on both sides) and
 * (b) Branin (2-D, global minimum 0.397887), 20 seeds (KEEL_BENCH_SEEDS), budgets of 50 and 100 trials. Prints the median over seeds of
 * the best value found (for the quadratic also its noise-free value, the fair score under noise) and the sampler
 * overhead per trial: time spent proposing points, the objective excluded (Keel: ask + tell; optuna: inside the
 * sampler's hooks, and ask + suggest + tell). Parity check first: both sides evaluate the objectives identically.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/core/index.ts';
import { createStudy } from '../src/tuning/index.ts';
import type { Params, SearchSpace } from '../src/tuning/index.ts';
import { here, workDir, writeBin } from './shared-bench.ts';

/** 20 seeds as asked; `KEEL_BENCH_SEEDS=100 npm run bench -- tpe` for tighter medians (~5× longer). */
const SEEDS = Array.from({ length: Number(process.env.KEEL_BENCH_SEEDS ?? 20) }, (_, i) => i);
const TRIALS = 100;
const BUDGETS = [50, 100];
const CENTRE = [1.5, -2, 0.5, 3];
const SIGMA = 0.5;
const BRANIN_MIN = 0.397887;

const quad = (x: number[]): number => x.reduce((s, v, i) => s + (v - CENTRE[i]!) ** 2, 0);
function branin(x: number, y: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

const spaces: Record<string, SearchSpace> = {
  quadratic: Object.fromEntries(CENTRE.map((_, j) => [`x${j}`, { kind: 'float', low: -5, high: 5 }])),
  branin: { x: { kind: 'float', low: -5, high: 10 }, y: { kind: 'float', low: 0, high: 15 } },
};

interface Best {
  best: number;
  bestTrue: number;
}
type Runs = Record<string, Best>[];

function keelRuns(
  objective: string,
  sampler: 'tpe' | 'random',
  noise: Float64Array,
): { runs: Runs; perTrial: number[]; cpuPerTrial: number[] } {
  const runs: Runs = [];
  const perTrial: number[] = [];
  const cpuPerTrial: number[] = [];
  SEEDS.forEach((seed, k) => {
    const study = createStudy({ space: spaces[objective]!, sampler, seed, direction: 'minimize' });
    let best = Infinity;
    let bestTrue = Infinity;
    let spent = 0;
    const out: Record<string, Best> = {};
    // CPU time of the whole loop: the objectives cost well under 1 % of it, so it is the sampler's CPU time.
    const c0 = process.cpuUsage();
    for (let i = 0; i < TRIALS; i++) {
      const t0 = performance.now();
      const p: Params = study.ask();
      spent += performance.now() - t0;
      const x = Object.values(p) as number[];
      const truth = objective === 'quadratic' ? quad(x) : branin(x[0]!, x[1]!);
      const v = objective === 'quadratic' ? truth + SIGMA * noise[k * TRIALS + i]! : truth;
      const t1 = performance.now();
      study.tell(p, v);
      spent += performance.now() - t1;
      if (v < best) [best, bestTrue] = [v, truth];
      if (BUDGETS.includes(i + 1)) out[String(i + 1)] = { best, bestTrue };
    }
    const c = process.cpuUsage(c0);
    runs.push(out);
    perTrial.push(spent / 1000 / TRIALS);
    cpuPerTrial.push((c.user + c.system) / 1e6 / TRIALS);
  });
  return { runs, perTrial, cpuPerTrial };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));
const us = (s: number): string => `${(s * 1e6).toFixed(0)} µs`;

export default function tpeBench(): void {
  const dir = workDir();
  const noise = new Float64Array(SEEDS.length * TRIALS);
  SEEDS.forEach((s, k) => {
    const r = createRng(9000 + s);
    for (let i = 0; i < TRIALS; i++) noise[k * TRIALS + i] = r.normal();
  });
  writeBin(dir, 'noise.bin', noise);
  const pr = createRng(77);
  const points = Array.from({ length: 8 }, () => [
    pr.uniform() * 15 - 5,
    pr.uniform() * 15,
    pr.uniform(),
    pr.uniform(),
  ]);
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ seeds: SEEDS, trials: TRIALS, budgets: BUDGETS, centre: CENTRE, sigma: SIGMA, points }),
  );
  const peer = JSON.parse(
    execFileSync('/usr/bin/python3', [join(here, 'peers', 'tpe.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as Record<
    string,
    {
      runs: Runs;
      samplerSecondsPerTrial: number[];
      askTellSecondsPerTrial: number[];
      samplerCpuSecondsPerTrial: number[];
    }
  > & {
    parity: { quadratic: number[]; branin: number[] };
    optuna: string;
  };
  // Parity: both sides compute the same objectives.
  const pq = points.map((p) => quad(p));
  const pb = points.map((p) => branin(p[0]!, p[1]!));
  const diff = Math.max(
    ...pq.map((v, i) => Math.abs(v - peer.parity.quadratic[i]!)),
    ...pb.map((v, i) => Math.abs(v - peer.parity.branin[i]!)),
  );
  if (diff > 1e-9) throw new Error(`objective mismatch between Keel and the Python peer: max |diff| ${diff}`);
  console.log(
    `optuna ${peer.optuna}; ${SEEDS.length} seeds; medians over seeds; objective parity max |diff| ${diff.toExponential(1)}`,
  );

  for (const objective of ['quadratic', 'branin']) {
    const keel = { tpe: keelRuns(objective, 'tpe', noise), random: keelRuns(objective, 'random', noise) };
    const score = (b: Best): number => (objective === 'quadratic' ? b.bestTrue : b.best - BRANIN_MIN);
    for (const budget of BUDGETS.map(String)) {
      const med = (runs: Runs, f: (b: Best) => number): number => median(runs.map((r) => f(r[budget]!)));
      const kT = med(keel.tpe.runs, score);
      const oT = med(peer[`${objective}/tpe`]!.runs, score);
      const kR = med(keel.random.runs, score);
      const oR = med(peer[`${objective}/random`]!.runs, score);
      const what = objective === 'quadratic' ? 'noise-free f at best' : 'regret best − 0.397887';
      const seen =
        objective === 'quadratic'
          ? `  (observed best: keel ${fmt(med(keel.tpe.runs, (b) => b.best))}, optuna ${fmt(med(peer[`${objective}/tpe`]!.runs, (b) => b.best))})`
          : `  (best: keel ${fmt(med(keel.tpe.runs, (b) => b.best))}, optuna ${fmt(med(peer[`${objective}/tpe`]!.runs, (b) => b.best))})`;
      console.log(
        `${`${objective} ${budget} trials`.padEnd(22)} ${what}: keel-tpe ${fmt(kT)}  optuna-tpe ${fmt(oT)}  ratio ${(kT / oT).toFixed(2)}` +
          `  | random keel ${fmt(kR)} optuna ${fmt(oR)}${seen}`,
      );
    }
    const kO = median(keel.tpe.perTrial);
    const oS = median(peer[`${objective}/tpe`]!.samplerSecondsPerTrial);
    const oL = median(peer[`${objective}/tpe`]!.askTellSecondsPerTrial);
    const kC = median(keel.tpe.cpuPerTrial);
    const oC = median(peer[`${objective}/tpe`]!.samplerCpuSecondsPerTrial);
    console.log(
      `${`${objective} overhead`.padEnd(22)} per trial (100 trials): wall keel ask+tell ${us(kO)}  optuna sampler ${us(oS)} ` +
        `(ask+suggest+tell ${us(oL)})  ratio ${(kO / oS).toFixed(3)}; CPU keel ${us(kC)} optuna ${us(oC)} ratio ${(kC / oC).toFixed(3)}`,
    );
  }
}
