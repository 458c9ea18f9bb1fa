/**
 * Backtest engine benchmark: daily rebalancing of 500 assets × 2000 days (1 M asset-steps) with 10 bp
 * proportional costs, Keel's engine (`runTargets`, the same engine `runBacktest` uses minus the strategy call)
 * against a numpy loop and a numba loop (bench/peers/backtest.py) on the same data in the same run. Checks the
 * NAV paths agree (relative 1e-9) before printing the medians and ratios. `npm run bench -- backtest`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Panel } from '../src/data/index.ts';
import { runTargets } from '../src/backtest/index.ts';

const T = Number(process.env['KEEL_BENCH_T'] ?? 2000);
const N = Number(process.env['KEEL_BENCH_N'] ?? 500);
const REPEATS = Number(process.env['KEEL_BENCH_REPEATS'] ?? 7);
const BPS = 10;
const CAPITAL = 1e6;

function data(): { dates: string[]; prices: Float64Array; targets: Float64Array } {
  let s = 12345 >>> 0;
  const u = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const dates: string[] = [];
  const t0 = Date.parse('2000-01-03T00:00:00Z');
  for (let t = 0; t < T; t++) dates.push(new Date(t0 + t * 86_400_000).toISOString().slice(0, 10));
  const prices = new Float64Array(T * N);
  const targets = new Float64Array(T * N);
  for (let a = 0; a < N; a++) prices[a] = 50 + 100 * u();
  for (let t = 1; t < T; t++)
    for (let a = 0; a < N; a++) prices[t * N + a] = prices[(t - 1) * N + a]! * (1 + 0.02 * (u() - 0.5));
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let a = 0; a < N; a++) sum += targets[t * N + a] = u();
    for (let a = 0; a < N; a++) targets[t * N + a] = targets[t * N + a]! / sum;
  }
  return { dates, prices, targets };
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1]!;

export default function bench(): void {
  const { dates, prices, targets } = data();
  const panel = new Panel({ dates, assets: Array.from({ length: N }, (_, a) => `A${a}`), fields: { close: prices } });
  const opts = {
    costs: { kind: 'proportional' as const, bps: BPS },
    rebalance: 'daily' as const,
    fill: 'next-close' as const,
    initialCapital: CAPITAL,
    periodsPerYear: 252,
  };
  runTargets(panel, targets, opts); // warm-up: JIT compilation is not timed (numba's compilation is not either)
  const rssBefore = process.memoryUsage().rss;
  let nav: Float64Array = new Float64Array(0);
  let orders = 0;
  const times: number[] = [];
  const cpu: number[] = [];
  let peak = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = runTargets(panel, targets, opts);
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
    nav = r.nav;
    orders = r.ledger.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const keel = median(times);
  const keelCpu = median(cpu);

  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-backtest-'));
  try {
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ T, N, bps: BPS, capital: CAPITAL }));
    writeFileSync(join(dir, 'prices.f64'), new Uint8Array(prices.buffer));
    writeFileSync(join(dir, 'targets.f64'), new Uint8Array(targets.buffer));
    const py = spawnSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'peers', 'backtest.py'), dir, String(REPEATS)],
      { encoding: 'utf8' },
    );
    if (py.status !== 0) throw new Error(`peer failed: ${py.stderr}`);
    const peer = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as {
      numpy_s: number;
      numba_s: number | null;
      numpy_cpu_s: number;
      numba_cpu_s: number | null;
      numba: boolean;
      peak_rss_mb: number;
      numpy_orders: number;
      numba_orders?: number;
    };
    if (peer.numpy_orders !== orders || (peer.numba && peer.numba_orders !== orders)) {
      throw new Error(`ledger sizes differ: keel ${orders}, numpy ${peer.numpy_orders}, numba ${peer.numba_orders}`);
    }
    const check = (file: string, label: string): number => {
      const other = new Float64Array(new Uint8Array(readFileSync(join(dir, file))).buffer);
      let worst = 0;
      for (let t = 0; t < T; t++) worst = Math.max(worst, Math.abs(other[t]! - nav[t]!) / Math.abs(nav[t]!));
      if (!(worst <= 1e-9)) throw new Error(`${label} NAV differs from Keel's by ${worst} (relative)`);
      return worst;
    };
    const dNp = check('nav_numpy.f64', 'numpy');
    const dNb = peer.numba ? check('nav_numba.f64', 'numba') : NaN;
    console.log(
      `daily rebalancing, ${N} assets × ${T} days (${((N * T) / 1e6).toFixed(1)} M asset-steps), ${BPS} bp proportional costs, median of ${REPEATS}`,
    );
    console.log(`  ${orders} ledger rows on every side`);
    console.log(
      `  final NAV ${nav[T - 1]!.toFixed(2)}; max relative NAV difference vs numpy ${dNp.toExponential(1)}, vs numba ${Number.isNaN(dNb) ? 'n/a' : dNb.toExponential(1)}`,
    );
    const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`.padStart(10);
    console.log(`  (wall time is unreliable on a loaded machine; CPU time = user + system of the process)`);
    console.log(`                     wall        cpu         ratio keel/peer (wall, cpu)`);
    console.log(
      `  keel  runTargets ${ms(keel)} ${ms(keelCpu)}   peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (+${((peak - rssBefore) / 2 ** 20).toFixed(0)} MB during runs)`,
    );
    console.log(
      `  numpy loop       ${ms(peer.numpy_s)} ${ms(peer.numpy_cpu_s)}   ${(keel / peer.numpy_s).toFixed(2)}, ${(keelCpu / peer.numpy_cpu_s).toFixed(2)}`,
    );
    if (peer.numba && peer.numba_s !== null && peer.numba_cpu_s !== null) {
      console.log(
        `  numba loop       ${ms(peer.numba_s)} ${ms(peer.numba_cpu_s)}   ${(keel / peer.numba_s).toFixed(2)}, ${(keelCpu / peer.numba_cpu_s).toFixed(2)}   python peak RSS ${peer.peak_rss_mb.toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
