/**
 * Prices and volumes from log returns. close_t = close_{t-1}·exp(r_t). The open sits part of the way from the previous
 * close to today's close (the overnight share of the move, plus noise); high and low stretch beyond the open/close
 * body by triangular amounts that scale with the day's volatility, so low ≤ min(open, close) ≤ max(open, close) ≤ high
 * always holds. Volume rises with the size of the move and with regime volatility.
 */
import type { Rng } from '../core/index.ts';
import type { SynthMarketParams } from './params.ts';
import { REGIME_NAMES } from './params.ts';
import type { Universe } from './universe.ts';
import { Noise } from './noise.ts';

export interface Ohlcv {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Share of the day's log return that happens overnight (close → open). */
const OVERNIGHT_SHARE = 0.3;

export function buildOhlcv(
  params: SynthMarketParams,
  u: Universe,
  regimes: Uint8Array,
  logReturns: Float64Array,
  rng: Rng,
): Ohlcv {
  const nDates = regimes.length;
  const n = u.nAssets;
  const size = nDates * n;
  const o: Ohlcv = {
    open: new Float64Array(size),
    high: new Float64Array(size),
    low: new Float64Array(size),
    close: new Float64Array(size),
    volume: new Float64Array(size),
  };
  const volMult = REGIME_NAMES.map((name) => params.regimes[name].volMultiplier);
  const noise = new Noise(rng);
  const { open, high, low, close, volume } = o;
  const { dailyVol, initialPrice, baseVolume } = u;
  for (let t = 0; t < nDates; t++) {
    const m = volMult[regimes[t]!]!;
    const sm = Math.sqrt(m);
    for (let a = 0; a < n; a++) {
      const i = t * n + a;
      const sd = dailyVol[a]! * m;
      const prevClose = t === 0 ? initialPrice[a]! : close[i - n]!;
      const r = logReturns[i]!;
      const c = prevClose * Math.exp(r);
      const op = prevClose * Math.exp(OVERNIGHT_SHARE * r + 0.2 * sd * noise.normal());
      close[i] = c;
      open[i] = op;
      // Wicks: triangular on [0, sd] beyond the body (mean sd/2), multiplicative so prices stay positive.
      high[i] = (op > c ? op : c) * (1 + 0.5 * sd * (noise.uniform() + noise.uniform()));
      low[i] = (op < c ? op : c) / (1 + 0.5 * sd * (noise.uniform() + noise.uniform()));
      const move = (r < 0 ? -r : r) / sd;
      volume[i] = Math.round(baseVolume[a]! * sm * Math.exp(0.25 * move + 0.6 * (noise.uniform() - 0.5) - 0.2));
    }
  }
  return o;
}
