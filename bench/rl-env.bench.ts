/**
 * Environment steps per second, Keel's PortfolioEnv vs the same environment in NumPy and Numba
 * (bench/peers/rl_env.py), issue 10 item 6. Same panel (synthetic market seed 7, 4 core assets, 2,608 dates), same
 * features (63-day momentum, a window of 5 rows), same cost model (proportional 10 bps, charged in the step), same
 * fill (next close), same random actions (drawn here, handed to the peers), stepBars 1, one episode from the first
 * row with features to the last, reset on truncation. Two action kinds: softmax over 4 + 1 scores (cash last), and
 * an index into 5 declared allocations.
 *
 * Correctness first: after the check steps, the sum of rewards, the NAV and the observation must agree with each
 * peer to 1e-9 (relative). Then it prints median seconds per STEPS steps for Keel and each peer and the ratio
 * Keel / peer (time per step; ≤ 1 means Keel is at least as fast). Peers are driven like gym envs: a Python loop
 * calling step(); Numba compiles the step itself.
 *
 *   npm run bench -- rl-env            (KEEL_BENCH_ROUNDS=R rounds per side, default 5; KEEL_BENCH_STEPS, default 50000)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/core/index.ts';
import { synthesizeMarket } from '../src/synth/index.ts';
import { computeFeatures, createFeatures } from '../src/features/index.ts';
import { PortfolioEnv } from '../src/agents/index.ts';
import { here } from './shared-bench.ts';

const ROUNDS = Number(process.env['KEEL_BENCH_ROUNDS'] ?? 5);
const STEPS = Number(process.env['KEEL_BENCH_STEPS'] ?? 50_000);
const CHECK = 1500;
const POOL = 4096; // random actions, cycled
const WINDOW = 5;
const BPS = 10;

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Check {
  rewardSum: number;
  nav: number;
  obs: number[];
}

function drive(env: PortfolioEnv, actions: readonly (Float64Array | number)[], k: number): Check {
  let obs = env.reset({ seed: 1 }).obs;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const r = env.step(actions[i % actions.length]!);
    total += r.reward;
    obs = r.obs;
    if (r.terminated || r.truncated) obs = env.reset().obs;
  }
  return { rewardSum: total, nav: env.value, obs: Array.from(obs) };
}

function relErr(a: Check, b: Check): number {
  const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(1e-12, Math.abs(y));
  let e = Math.max(rel(a.rewardSum, b.rewardSum), rel(a.nav, b.nav));
  if (a.obs.length !== b.obs.length) return Infinity;
  a.obs.forEach((v, i) => (e = Math.max(e, Math.abs(v - b.obs[i]!) / Math.max(1, Math.abs(b.obs[i]!)))));
  return e;
}

export default function main(): void {
  const panel = synthesizeMarket({ seed: 7, stocks: 0 }).panel;
  const n = panel.nAssets;
  const fm = computeFeatures(createFeatures([{ kind: 'momentum', windows: [63] }]), { panel });
  const allocations = [
    new Array<number>(n).fill(1 / n),
    ...Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))),
  ];
  const rng = createRng(3);
  console.log(
    `PortfolioEnv steps, ${panel.nDates} dates × ${n} assets, momentum 63 × window ${WINDOW}, next-close, ${BPS} bps, stepBars 1 · ${STEPS} steps per round, median of ${ROUNDS} (machine shared with other jobs)`,
  );
  for (const kind of ['simplex', 'discrete'] as const) {
    const env = new PortfolioEnv({
      panel,
      backtest: { costs: { kind: 'proportional', bps: BPS }, fill: 'next-close' },
      features: fm,
      window: WINDOW,
      action: kind === 'discrete' ? { kind: 'discrete', allocations } : { kind: 'simplex' },
    });
    const actions: (Float64Array | number)[] = Array.from({ length: POOL }, () =>
      kind === 'discrete' ? rng.int(allocations.length) : Float64Array.from({ length: n + 1 }, () => rng.normal()),
    );
    const job = {
      nAssets: n,
      nDates: panel.nDates,
      close: Array.from(panel.field('close')),
      features: fm.columns.map((c) => Array.from(c)),
      window: WINDOW,
      from: env.from,
      bps: BPS,
      kind,
      allocations,
      actions: actions.flatMap((a) => (typeof a === 'number' ? [a] : Array.from(a))),
      steps: STEPS,
      checkSteps: CHECK,
      rounds: ROUNDS,
    };
    const dir = process.env['KEEL_BENCH_KEEP'] ?? mkdtempSync(join(tmpdir(), 'keel-rl-env-'));
    let peer: Record<string, { check: Check; seconds: number[] } | string>;
    try {
      writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
      const py = spawnSync('/usr/bin/python3', [join(here, 'peers', 'rl_env.py'), join(dir, 'job.json')], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (py.status !== 0) {
        console.log(`NumPy peer failed: ${py.stderr.trim().split('\n').at(-1)}`);
        process.exitCode = 1;
        return;
      }
      peer = JSON.parse(py.stdout);
    } finally {
      if (!process.env['KEEL_BENCH_KEEP']) rmSync(dir, { recursive: true, force: true });
    }
    const check = drive(env, actions, CHECK);
    const secs: number[] = [];
    drive(env, actions, STEPS); // warm-up (JIT)
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      drive(env, actions, STEPS);
      secs.push((performance.now() - t0) / 1000);
    }
    const k = median(secs);
    console.log(`  ${kind === 'simplex' ? 'softmax scores (n + 1)' : 'discrete (5 allocations)'}`);
    console.log(`    Keel   ${((k / STEPS) * 1e6).toFixed(2)} µs/step  ${(STEPS / k).toFixed(0)} steps/s`);
    for (const name of ['numpy', 'numba'] as const) {
      const p = peer[name];
      if (p === undefined || typeof p === 'string') {
        console.log(`    ${name.padEnd(6)} not run: ${String(peer[`${name}Error`] ?? 'missing')}`);
        continue;
      }
      const err = relErr(check, p.check);
      const t = median(p.seconds);
      console.log(
        `    ${name.padEnd(6)} ${((t / STEPS) * 1e6).toFixed(2)} µs/step  ${(STEPS / t).toFixed(0)} steps/s   check ${err.toExponential(1)} ${err < 1e-9 ? 'ok' : 'MISMATCH'}   ratio Keel/${name} ${(k / t).toFixed(2)}`,
      );
      if (!(err < 1e-9)) process.exitCode = 1;
    }
  }
}
