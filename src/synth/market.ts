/**
 * `synthesizeMarket(params)`: Keel's embedded default data. One call builds the calendar, regimes, macro economy,
 * news, returns, prices and company reports from one seed, and returns them with the ground truth that produced them.
 * Every part draws from its own fork of the seed's RNG, so changing, say, the news probability leaves the regime path
 * and macro data unchanged.
 */
import { createRng } from '../core/index.ts';
import { Panel, type FundamentalReport, type Headline, type IsoDate, type MacroObservation } from '../data/index.ts';
import { businessDays } from './calendar.ts';
import { simulateFundamentals } from './fundamentals.ts';
import { simulateMacro } from './macro.ts';
import { drawHeadlineTones, writeHeadlines } from './news.ts';
import { buildOhlcv } from './ohlcv.ts';
import { parseSynthParams, REGIME_NAMES, type SynthMarketParams } from './params.ts';
import { simulateRegimes, stationaryRegimeShares } from './regimes.ts';
import { simulateReturns } from './returns.ts';
import { buildUniverse } from './universe.ts';
import { resolveBreak, type PlantedBreak } from './break.ts';

/** What generated the market: tests and model-recovery checks compare against it. */
export interface SyntheticTruth {
  readonly regimeNames: typeof REGIME_NAMES;
  /** (nDates) regime index of each business day: 0 calm, 1 bear, 2 crisis. */
  readonly regimes: Uint8Array;
  /** Long-run share of days in each regime implied by the parameters. */
  readonly regimeShares: readonly number[];
  /**
   * (nDates × nAssets, row-major `t * nAssets + a`) unit-scale planted signals, each known at the close of t-1 and
   * each predicting day t's log return with a positive sign (mean reversion is already sign-flipped). They are
   * filled even when their strength is 0 (then they predict nothing).
   */
  readonly signals: {
    readonly momentum: Float64Array;
    readonly meanReversion: Float64Array;
    readonly macro: Float64Array;
    readonly sentiment: Float64Array;
  };
  /** (nDates × nAssets) the planted conditional mean that the signals added to day t's log return. */
  readonly alpha: Float64Array;
  /**
   * The planted break (params.break resolved on the calendar), or undefined: from `index` on, each broken signal's
   * strength is multiplied by `factor` (−1 flip, 0 vanish). `strengths` are the values before the break.
   */
  readonly break: PlantedBreak | undefined;
  /** Strength of each planted signal (`params.predictability`): α = dailyVol · Σ strength · signal. */
  readonly strengths: {
    readonly momentum: number;
    readonly meanReversion: number;
    readonly macro: number;
    readonly sentiment: number;
  };
  /** Windows of the planted signals (`params.predictability`), in business days. */
  readonly signalWindows: {
    readonly momentumLookback: number;
    readonly momentumSkip: number;
    readonly meanReversionLookback: number;
    readonly sentimentLeadDays: number;
  };
  /** (nDates × nAssets) log returns close_{t-1} → close_t (row 0 is 0). */
  readonly logReturns: Float64Array;
  /** (nDates) annual drift of the equity-market factor in force each day. */
  readonly marketDrift: Float64Array;
  /** Tone of each headline (aligned with `headlines`): ±1 or ±2, what `scoreHeadline` recovers from the text. */
  readonly headlineTone: Int8Array;
  /** Standardised surprise of every first macro release. */
  readonly macroSurprises: readonly { series: string; refDate: IsoDate; releaseDate: IsoDate; surprise: number }[];
  /** Factor loadings, idiosyncratic volatility, drift and typical daily volatility per asset, in panel asset order. */
  readonly loadings: {
    readonly market: Float64Array;
    readonly tech: Float64Array;
    readonly bond: Float64Array;
    readonly gold: Float64Array;
    readonly sector: Float64Array;
    /** Idiosyncratic annual volatility and asset-specific annual drift (fractions). */
    readonly idioVol: Float64Array;
    readonly drift: Float64Array;
    readonly dailyVol: Float64Array;
  };
}

export interface SyntheticMarket {
  /** The resolved parameters (every default filled in). */
  readonly params: SynthMarketParams;
  /** Business days × assets with fields open, high, low, close (price units) and volume (shares). */
  readonly panel: Panel;
  /** Macro releases (point in time: see `macroAsOf`). */
  readonly macro: readonly MacroObservation[];
  /** News headlines, sorted by date then asset order. */
  readonly headlines: readonly Headline[];
  /** Quarterly company reports, sorted by report date. */
  readonly fundamentals: readonly FundamentalReport[];
  readonly truth: SyntheticTruth;
}

/**
 * Generates the market. `input` is validated with `synthMarketSchema` (throws a one-line config error naming the
 * parameter); `{}` gives the defaults: 10 years from 2014-01-01, 4 core assets + 24 stocks, seed 42.
 */
export function synthesizeMarket(input: unknown = {}): SyntheticMarket {
  const params = parseSynthParams(input);
  const root = createRng(params.seed);
  const { dates, year, month, monthAfterLast } = businessDays(params.start, params.years);
  const nDates = dates.length;

  const universe = buildUniverse(params.stocks, params.sectors, root.fork('universe'));
  const shares = stationaryRegimeShares(params);
  const regimes = simulateRegimes(nDates, params, root.fork('regimes'));
  const macro = simulateMacro(dates, year, month, monthAfterLast, regimes, shares, root.fork('macro'));
  const tones = drawHeadlineTones(nDates, universe.nAssets, params.news.probability, root.fork('news'));
  const plantedBreak = resolveBreak(params, dates);
  const sim = simulateReturns(
    params,
    universe,
    regimes,
    shares,
    macro.classSignal,
    tones,
    root.fork('returns'),
    plantedBreak,
  );
  const px = buildOhlcv(params, universe, regimes, sim.logReturns, root.fork('ohlcv'));
  const news = writeHeadlines(dates, universe.ids, universe.names, tones, root.fork('news-text'));
  const fundamentals = simulateFundamentals(
    params,
    universe,
    dates,
    year,
    month,
    monthAfterLast,
    px.close,
    root.fork('fundamentals'),
  );

  const panel = new Panel({
    dates,
    assets: universe.ids,
    fields: { open: px.open, high: px.high, low: px.low, close: px.close, volume: px.volume },
    meta: universe.meta,
  });
  return {
    params,
    panel,
    macro: macro.observations,
    headlines: news.headlines,
    fundamentals,
    truth: {
      regimeNames: REGIME_NAMES,
      regimes,
      regimeShares: shares,
      signals: { momentum: sim.momentum, meanReversion: sim.meanReversion, macro: sim.macro, sentiment: sim.sentiment },
      alpha: sim.alpha,
      break: plantedBreak,
      strengths: {
        momentum: params.predictability.momentum,
        meanReversion: params.predictability.meanReversion,
        macro: params.predictability.macro,
        sentiment: params.predictability.sentiment,
      },
      signalWindows: {
        momentumLookback: params.predictability.momentumLookback,
        momentumSkip: params.predictability.momentumSkip,
        meanReversionLookback: params.predictability.meanReversionLookback,
        sentimentLeadDays: params.predictability.sentimentLeadDays,
      },
      logReturns: sim.logReturns,
      marketDrift: sim.marketDrift,
      headlineTone: news.tone,
      macroSurprises: macro.surprises,
      loadings: {
        market: universe.betaMarket,
        tech: universe.betaTech,
        bond: universe.betaBond,
        gold: universe.betaGold,
        sector: universe.betaSector,
        idioVol: universe.idioVol,
        drift: universe.drift,
        dailyVol: universe.dailyVol,
      },
    },
  };
}
