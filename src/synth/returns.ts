/**
 * The daily return kernel: a regime-switching factor model with GARCH(1,1) volatility, Student-t shocks and the
 * planted signals. Everything is preallocated typed arrays; the loop over days × assets allocates nothing.
 *
 * Log return of asset a on day t:
 *   r = drift_a/252 + βm·M + βt·T + βb·B + βg·G + βs·S_sector + idio + α
 *   α = dailyVol_a · (k_mom·z_mom + k_mr·z_mr + k_macro·z_macro + k_sent·z_sent)
 *   (after a planted break, a broken signal's k is multiplied by −1 (flip) or 0 (vanish): break.ts)
 * Factor shock X = vol_X · m_regime · √h_X · ε_X with ε a unit-variance Student-t draw and h_X its GARCH variance
 * (long-run 1); bonds and gold use √m_regime, and so do idiosyncratic shocks. The bond and gold draws mix in the
 * equity-market draw with the regime's correlation.
 *
 * Every z is a unit-scale signal known at the close of t-1:
 *   z_mom   = (sum of log returns over [t-1-skip-L+1, t-1-skip]) / (dailyVol·√L)
 *   z_mr    = −(sum of log returns over the last S days up to t-1) / (dailyVol·√S)
 *   z_macro = the asset class's mix of the latest macro surprises released by t-1
 *   z_sent  = tone of the asset's headline dated t − lead, / TONE_SD (0 when there was none)
 * The momentum and reversal sums run over returns net of their own α: otherwise momentum would feed on itself and
 * explode for strength·√L near 1. Trailing total returns still carry nearly the same signal (see the README).
 */
import type { Rng } from '../core/index.ts';
import { REGIME_NAMES, type SynthMarketParams } from './params.ts';
import { FACTOR_VOL, type Universe } from './universe.ts';
import { TONE_SD } from './news.ts';
import { Noise } from './noise.ts';
import { signalFactor, type PlantedBreak } from './break.ts';

export interface ReturnSimulation {
  /** (nDates × nAssets) log returns; row 0 is 0 (the first day only sets prices). */
  readonly logReturns: Float64Array;
  /** (nDates × nAssets) unit-scale signals that entered day t's return (see file header). */
  readonly momentum: Float64Array;
  readonly meanReversion: Float64Array;
  readonly macro: Float64Array;
  readonly sentiment: Float64Array;
  /** (nDates × nAssets) planted conditional mean α (log-return units) that the signals added on day t. */
  readonly alpha: Float64Array;
  /** (nDates) annual drift of the equity-market factor in force on day t. */
  readonly marketDrift: Float64Array;
}

export function simulateReturns(
  params: SynthMarketParams,
  u: Universe,
  regimes: Uint8Array,
  regimeShares: readonly number[],
  macroClassSignal: Float64Array,
  tones: Int8Array,
  rng: Rng,
  plantedBreak?: PlantedBreak,
): ReturnSimulation {
  const nDates = regimes.length;
  const n = u.nAssets;
  const nS = u.nSectors;
  const size = nDates * n;
  const out = {
    logReturns: new Float64Array(size),
    momentum: new Float64Array(size),
    meanReversion: new Float64Array(size),
    macro: new Float64Array(size),
    sentiment: new Float64Array(size),
    alpha: new Float64Array(size),
    marketDrift: new Float64Array(nDates),
  };
  // Cumulative log return per asset through day t, net of the planted α. The momentum and reversal signals read it,
  // so a signal never feeds on its own past output: its strength stays what the parameter says at any setting.
  const cum = new Float64Array(size);

  const pr = params.predictability;
  const { alpha: ga, beta: gb } = params.garch;
  const omega = 1 - ga - gb;
  const df = params.tailDf;
  const tScale = Math.sqrt((df - 2) / df); // makes Student-t draws unit variance

  // Per-regime constants.
  const volMult = new Float64Array(3);
  const sqrtVolMult = new Float64Array(3);
  const mktDrift = new Float64Array(3);
  const rhoBond = new Float64Array(3);
  const rhoGold = new Float64Array(3);
  let avgDrift = 0;
  for (let r = 0; r < 3; r++) avgDrift += regimeShares[r]! * params.regimes[REGIME_NAMES[r]!].equityDrift;
  for (let r = 0; r < 3; r++) {
    const g = params.regimes[REGIME_NAMES[r]!];
    volMult[r] = g.volMultiplier;
    sqrtVolMult[r] = Math.sqrt(g.volMultiplier);
    mktDrift[r] = pr.regimeDrift * g.equityDrift + (1 - pr.regimeDrift) * avgDrift;
    rhoBond[r] = g.stockBondCorr;
    rhoGold[r] = g.goldEquityCorr;
  }

  const sqrtDay = 1 / Math.sqrt(252);
  const volM = FACTOR_VOL.market * sqrtDay;
  const volT = FACTOR_VOL.tech * sqrtDay;
  const volB = FACTOR_VOL.bond * sqrtDay;
  const volG = FACTOR_VOL.gold * sqrtDay;
  const volS = FACTOR_VOL.sector * sqrtDay;

  // GARCH state: factors [M, T, B, G, sectors...] and one per asset's idiosyncratic shock.
  const nF = 4 + nS;
  const hF = new Float64Array(nF).fill(1);
  const epsF = new Float64Array(nF); // unit-variance draws of the day
  const shockF = new Float64Array(nF); // factor returns of the day (log units)
  const hI = new Float64Array(n).fill(1);
  const idioDaily = new Float64Array(n);
  const driftDaily = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    idioDaily[a] = u.idioVol[a]! * sqrtDay;
    driftDaily[a] = u.drift[a]! / 252;
  }

  const L = pr.momentumLookback;
  const skip = pr.momentumSkip;
  const S = pr.meanReversionLookback;
  const lead = pr.sentimentLeadDays;
  const invSqrtL = 1 / Math.sqrt(L);
  const invSqrtS = 1 / Math.sqrt(S);
  const invToneSd = 1 / TONE_SD;
  const kMom = pr.momentum;
  const kRev = pr.meanReversion;
  const kMacro = pr.macro;
  const kSent = pr.sentiment;
  const noise = new Noise(rng);
  const { logReturns, momentum, meanReversion, macro, sentiment, alpha: alphaOut } = out;
  const { dailyVol, macroClass, sector, betaMarket, betaTech, betaBond, betaGold, betaSector } = u;

  for (let t = 0; t < nDates; t++) {
    const r = regimes[t]!;
    out.marketDrift[t] = mktDrift[r]!;
    if (t === 0) continue;
    // The planted break scales a signal's effect from its day on (the signals themselves are unchanged).
    const kMomT = kMom * signalFactor(plantedBreak, 'momentum', t);
    const kRevT = kRev * signalFactor(plantedBreak, 'meanReversion', t);
    const kMacroT = kMacro * signalFactor(plantedBreak, 'macro', t);
    const kSentT = kSent * signalFactor(plantedBreak, 'sentiment', t);
    const m = volMult[r]!;
    const sm = sqrtVolMult[r]!;

    // Common factors.
    for (let f = 0; f < nF; f++) epsF[f] = tScale * noise.studentT(df);
    const zM = epsF[0]!;
    const rb = rhoBond[r]!;
    const rg = rhoGold[r]!;
    epsF[2] = rb * zM + Math.sqrt(1 - rb * rb) * epsF[2]!;
    epsF[3] = rg * zM + Math.sqrt(1 - rg * rg) * epsF[3]!;
    for (let f = 0; f < nF; f++) {
      const scale = f === 0 ? volM * m : f === 1 ? volT * m : f === 2 ? volB * sm : f === 3 ? volG * sm : volS * m;
      const e = Math.sqrt(hF[f]!) * epsF[f]!;
      shockF[f] = scale * e;
      hF[f] = omega + ga * e * e + gb * hF[f]!;
    }
    const marketDaily = mktDrift[r]! / 252;

    const row = t * n;
    const prev = (t - 1) * n;
    for (let a = 0; a < n; a++) {
      const i = row + a;
      const sd = dailyVol[a]!;
      // Signals known at the close of t-1.
      let zMom = 0;
      const end = t - 1 - skip;
      if (end - L >= 0) zMom = ((cum[end * n + a]! - cum[(end - L) * n + a]!) / sd) * invSqrtL;
      let zRev = 0;
      if (t - 1 - S >= 0) zRev = (-(cum[prev + a]! - cum[(t - 1 - S) * n + a]!) / sd) * invSqrtS;
      const zMacro = macroClassSignal[t * 3 + macroClass[a]!]!;
      const zSent = t - lead >= 0 ? tones[(t - lead) * n + a]! * invToneSd : 0;
      const alpha = sd * (kMomT * zMom + kRevT * zRev + kMacroT * zMacro + kSentT * zSent);

      const eI = Math.sqrt(hI[a]!) * tScale * noise.studentT(df);
      hI[a] = omega + ga * eI * eI + gb * hI[a]!;
      const s = sector[a]!;
      const ret =
        driftDaily[a]! +
        betaMarket[a]! * (marketDaily + shockF[0]!) +
        betaTech[a]! * shockF[1]! +
        betaBond[a]! * shockF[2]! +
        betaGold[a]! * shockF[3]! +
        (s >= 0 ? betaSector[a]! * shockF[4 + s]! : 0) +
        idioDaily[a]! * sm * eI +
        alpha;

      logReturns[i] = ret;
      cum[i] = cum[prev + a]! + ret - alpha;
      momentum[i] = zMom;
      meanReversion[i] = zRev;
      macro[i] = zMacro;
      sentiment[i] = zSent;
      alphaOut[i] = alpha;
    }
  }
  return out;
}
