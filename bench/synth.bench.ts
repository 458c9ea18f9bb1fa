/**
 * `npm run bench -- synth`: the embedded synthetic market, 10 years × 200 assets (4 core + 196 stocks: 2 609 business
 * days, 260 k headlines, macro releases, quarterly reports, ground truth), median of 7 runs after a warm-up; goal
 * well under 1 s. Peer: the same daily kernel (regime-switching GARCH-t factor model with the planted signals), OHLCV
 * and headline strings written in NumPy (bench/peers/synth.py), fed Keel's regime path, loadings and macro signal.
 * Parity check before timing: the peer's kernel, replaying Keel's random draws (regenerated from the same seeded
 * stream), reproduces Keel's log returns to 1e-9 (daily returns are ~1e-2; the two sum terms in different orders
 * and the momentum window sums carry those rounding differences forward); the timed runs draw their own numbers.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  marketToCsv,
  parseSynthParams,
  REGIME_NAMES,
  stationaryRegimeShares,
  synthesizeMarket,
} from '../src/synth/index.ts';
import { here, row, time, workDir, writeBin } from './shared-bench.ts';
import { createRng } from '../src/core/index.ts';
import { Noise } from '../src/synth/noise.ts';
import { drawHeadlineTones } from '../src/synth/news.ts';

const PARAMS = { seed: 2024, years: 10, stocks: 196 };

export default function synthBench(): void {
  const keel = time(() => synthesizeMarket(PARAMS), 7);
  // CPU time of the same calls: on a shared, loaded machine wall time overstates the work several-fold.
  const cpuMs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const c0 = process.cpuUsage();
    synthesizeMarket(PARAMS);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  cpuMs.sort((x, y) => x - y);
  const m = keel.value;
  const { nDates, nAssets: n } = m.panel;
  const p = parseSynthParams(PARAMS);

  // Inputs for the peer: Keel's regimes, loadings and macro signal, so both simulate the same model.
  const dir = workDir();
  const L = m.truth.loadings;
  const shares = stationaryRegimeShares(p);
  const avgDrift = REGIME_NAMES.reduce((s, r, i) => s + shares[i]! * p.regimes[r].equityDrift, 0);
  const sector = new Float64Array(n).fill(-1);
  const secNames = p.sectors;
  m.panel.meta.forEach((meta, a) => {
    if (a >= 4) sector[a] = secNames.indexOf(meta.sector!);
  });
  const loadings = new Float64Array(n * 7);
  for (let a = 0; a < n; a++) {
    loadings.set([L.market[a]!, L.tech[a]!, L.bond[a]!, L.gold[a]!, L.sector[a]!, L.idioVol[a]!, L.drift[a]!], a * 7);
  }
  writeBin(dir, 'regimes.bin', Float64Array.from(m.truth.regimes));
  writeBin(dir, 'loadings.bin', loadings);
  writeBin(dir, 'sector.bin', sector);
  writeBin(dir, 'dailyVol.bin', L.dailyVol);
  writeBin(dir, 'price0.bin', m.panel.row('close', 0));
  writeBin(dir, 'volume0.bin', m.panel.row('volume', 0));
  writeBin(dir, 'macro.bin', m.truth.signals.macro);
  // Keel's random numbers, regenerated from the same streams in the order the kernel consumes them.
  const nF = 4 + p.sectors.length;
  const root = createRng(p.seed);
  const noise = new Noise(root.fork('returns'));
  const draws = new Float64Array(nDates * (nF + n));
  for (let t = 1; t < nDates; t++) for (let k = 0; k < nF + n; k++) draws[t * (nF + n) + k] = noise.studentT(p.tailDf);
  writeBin(dir, 'draws.bin', draws);
  writeBin(dir, 'tones.bin', Float64Array.from(drawHeadlineTones(nDates, n, p.news.probability, root.fork('news'))));
  writeBin(dir, 'keel_logreturns.bin', m.truth.logReturns);
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      T: nDates,
      N: n,
      nS: p.sectors.length,
      df: p.tailDf,
      alpha: p.garch.alpha,
      beta: p.garch.beta,
      k: [
        p.predictability.momentum,
        p.predictability.meanReversion,
        p.predictability.macro,
        p.predictability.sentiment,
      ],
      L: p.predictability.momentumLookback,
      skip: p.predictability.momentumSkip,
      S: p.predictability.meanReversionLookback,
      lead: p.predictability.sentimentLeadDays,
      volMult: REGIME_NAMES.map((r) => p.regimes[r].volMultiplier),
      rho_bond: REGIME_NAMES.map((r) => p.regimes[r].stockBondCorr),
      rho_gold: REGIME_NAMES.map((r) => p.regimes[r].goldEquityCorr),
      mktDrift: REGIME_NAMES.map(
        (r) => p.predictability.regimeDrift * p.regimes[r].equityDrift + (1 - p.predictability.regimeDrift) * avgDrift,
      ),
      newsP: p.news.probability,
      repeats: 5,
    }),
  );
  const peer = JSON.parse(
    execFileSync('/usr/bin/python3', [join(here, 'peers', 'synth.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as { timing: { median_s: number }; parity_max_abs_diff: number; vol: number[]; headlines: number };
  if (!(peer.parity_max_abs_diff < 1e-9))
    throw new Error(`synth parity failed: max |Δ log return| = ${peer.parity_max_abs_diff}`);

  row(
    `synthesizeMarket ${nDates}×${n}`,
    keel.median,
    'numpy',
    peer.timing.median_s,
    `min ${(keel.min * 1000).toFixed(0)} ms, median CPU ${cpuMs[3]!.toFixed(0)} ms; ${m.headlines.length} headlines (peer ${peer.headlines}); replay max |Δr| ${peer.parity_max_abs_diff.toExponential(1)}`,
  );
  const csv = time(() => marketToCsv(m, { truth: false }), 3);
  console.log(
    `marketToCsv (no truth) ${nDates}×${n}: median ${(csv.median * 1000).toFixed(0)} ms (CLI only; not part of the 1 s budget)`,
  );
}
