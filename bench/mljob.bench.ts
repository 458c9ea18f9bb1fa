/**
 * End to end: the main job's core half (bench/mljob/core-only.yaml: 4 assets, ridge / random forest / gradient
 * boosting, mean-variance with a volatility target and a |Δw| cost, monthly, 10 bp, three baselines) run by
 * `keel run` against its pandas + scikit-learn + XGBoost + cvxopt peer (bench/peers/mljob_core.py) on the same
 * market files, each pinned to one core (`taskset -c 1`, BLAS/OpenMP threads 1), alternating, medians of
 * KEEL_BENCH_REPEATS (default 5) wall times of whole processes — start-up, data, features, walk-forward, report.
 * Checks first that both find the same ridge IC and the same baseline Sharpe ratios. Also times
 * bench/mljob/core-only-like-for-like.yaml: the same study with `explain: false` and `report.html: false`, the work
 * the peer does (it computes no SHAP values and renders no charts); both ratios are printed.
 *
 * The study is the main job as it stood when the peer was written (hand-picked settings); when the main job's
 * features or models change, this pair measures the engine on that fixed work, not the new main job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { here } from './shared-bench.ts';

const root = join(here, '..');
const repeats = Number(process.env['KEEL_BENCH_REPEATS'] ?? 5);
const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0 ? ['taskset', '-c', '1'] : [];
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function wall(cmd: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default function mljob(): void {
  const py = spawnSync('/usr/bin/python3', ['-c', 'import pandas, sklearn, xgboost, cvxopt'], { stdio: 'ignore' });
  if (py.status !== 0) {
    console.log('SKIPPED mljob: needs python3-pandas, python3-sklearn, python3-xgboost, python3-cvxopt (apt-get)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'keel-mljob-'));
  try {
    const market = join(dir, 'market');
    execFileSync(process.execPath, ['bin/keel.mjs', 'data', 'synth', '--seed', '42', '--out', market], { cwd: root });
    const keelCmd = [...pinned, process.execPath, 'bin/keel.mjs', 'run', 'bench/mljob/core-only.yaml'];
    // The peer's work only: no SHAP records or distillation, no report.html (both on by default in Keel).
    const likeCmd = [...pinned, process.execPath, 'bin/keel.mjs', 'run', 'bench/mljob/core-only-like-for-like.yaml'];
    const peerCmd = [...pinned, '/usr/bin/python3', 'bench/peers/mljob_core.py', market];

    // Same work: ridge IC and the baselines' Sharpe ratios agree.
    const out = join(dir, 'runs');
    execFileSync(keelCmd[pinned.length]!, [...keelCmd.slice(pinned.length + 1), '--out', out], {
      cwd: root,
      env,
    });
    const run = join(out, readdirSync(out)[0]!);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as {
      forecastQuality: Record<string, { ic: number }>;
    };
    execFileSync(peerCmd[pinned.length]!, [...peerCmd.slice(pinned.length + 1), '--json', join(dir, 'peer.json')], {
      cwd: root,
      env,
    });
    // Python's json writes NaN (the baselines have no IC), which JSON.parse refuses.
    const peer = JSON.parse(readFileSync(join(dir, 'peer.json'), 'utf8').replace(/\bNaN\b/g, 'null')) as {
      results: Record<string, { sharpe: number; ic: number }>;
    };
    const [keelIc, peerIc] = [summary.forecastQuality['core-linear']!.ic, peer.results['core-linear']!.ic];
    console.log(`same work: ridge IC Keel ${keelIc.toFixed(4)}, peer ${peerIc.toFixed(4)}`);
    if (Math.abs(keelIc - peerIc) > 0.005)
      throw new Error(`mljob: the ridge ICs differ by more than 0.005, so the two jobs no longer do the same work`);

    const keelT: number[] = [];
    const likeT: number[] = [];
    const peerT: number[] = [];
    for (let k = 0; k < repeats; k++) {
      keelT.push(wall([...keelCmd, '--out', join(dir, `r${k}`)]));
      likeT.push(wall([...likeCmd, '--out', join(dir, `l${k}`)]));
      peerT.push(wall(peerCmd));
    }
    const [kM, lM, pM] = [median(keelT), median(likeT), median(peerT)];
    const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
    console.log(`pinned: ${pinned.length ? 'taskset -c 1' : 'no (taskset missing)'}; repeats ${repeats}`);
    console.log(`keel run core-only                median ${kM.toFixed(2)} s  (${list(keelT)})`);
    console.log(`keel run core-only-like-for-like  median ${lM.toFixed(2)} s  (${list(likeT)})`);
    console.log(`python peer                       median ${pM.toFixed(2)} s  (${list(peerT)})`);
    console.log(`Keel/peer ${(kM / pM).toFixed(2)} (default), ${(lM / pM).toFixed(2)} (like for like)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
