/**
 * Shared plumbing of `keel allocate` and `keel frontier`: load prices, estimate μ and Σ with PyPortfolioOpt's
 * defaults (CAGR with frequency 252, pairwise sample covariance × 252), parse bounds. Assets whose returns do not
 * vary over the file are left out before estimating (`excluded`), as the allocator strategy does in a study.
 */
import { Matrix, dataError, usageError } from '../../core/index.ts';
import { zeroVarianceAssets, type ReturnDistribution, type Constraints } from '../../allocation/index.ts';
import { parseMissingPolicy } from '../../data/index.ts';
import { loadPrices } from '../../io/index.ts';
import {
  capmReturn,
  completeRows,
  emaHistoricalReturn,
  expCov,
  ledoitWolf,
  meanHistoricalReturn,
  oas,
  repairCovariance,
  returnsFromPrices,
  sampleCov,
  semicovariance,
  type ReturnsTable,
} from '../../risk/index.ts';

export const COV_CHOICES = [
  'sample',
  'exp-cov',
  'semicovariance',
  'ledoit-wolf',
  'ledoit-wolf-single-factor',
  'ledoit-wolf-constant-correlation',
  'oas',
] as const;
export const MU_CHOICES = ['cagr', 'mean', 'ema', 'capm'] as const;

export interface EstimateFlags {
  rf: string;
  bounds?: string;
  frequency: string;
  cov: (typeof COV_CHOICES)[number];
  mu: (typeof MU_CHOICES)[number];
  marketNeutral?: boolean;
  missing?: string;
}

export function parseNumber(flag: string, v: string, example: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw usageError(`${flag} must be a number, got "${v}". Example: ${flag} ${example}.`);
  return n;
}

export function parseBounds(v: string | undefined): Constraints['weightBounds'] {
  if (v === undefined) return undefined;
  const parts = v.split(',');
  if (parts.length !== 2)
    throw usageError(`--bounds must be LO,HI, got "${v}". Example: --bounds 0,1 or --bounds -1,1 (use none for ±1).`);
  const one = (s: string): number | null =>
    s.trim().toLowerCase() === 'none' ? null : parseNumber('--bounds', s, '0,1');
  return [one(parts[0]!), one(parts[1]!)];
}

export interface Estimated {
  readonly dist: ReturnDistribution;
  readonly returns: ReturnsTable;
  readonly prices: Float64Array;
  readonly nDates: number;
  readonly notes: string[];
  /** Assets left out because their returns have zero variance over the file (weight 0). */
  readonly excluded: readonly string[];
}

export async function estimate(path: string, flags: EstimateFlags): Promise<Estimated> {
  const frequency = parseNumber('--frequency', flags.frequency, '252');
  if (!(frequency > 0))
    throw usageError(`--frequency must be > 0 periods a year, got ${frequency}. Use 252 for daily data.`);
  const rf = parseNumber('--rf', flags.rf, '0.02');
  const missing = parseMissingPolicy(flags.missing ?? 'error');
  if (!missing) {
    throw usageError(
      `--missing must be error, forward-fill:N, drop-dates or drop-assets, got "${flags.missing}". Example: --missing forward-fill:5.`,
    );
  }
  const loaded = await loadPrices(path, { missing });
  const all = returnsFromPrices(loaded.field('close'), loaded.nDates, loaded.assets, { dates: loaded.dates });
  const zero = new Set(zeroVarianceAssets(all.values, all.nDates, all.nAssets));
  const excluded = loaded.assets.filter((_, a) => zero.has(a));
  const panel = zero.size === 0 ? loaded : loaded.selectAssets(loaded.assets.filter((_, a) => !zero.has(a)));
  if (panel.nAssets === 0)
    throw dataError(
      `every asset of ${path} has zero return variance (constant prices); nothing to allocate. Use a price file whose prices move.`,
    );
  const prices = panel.field('close');
  const returns = zero.size === 0 ? all : returnsFromPrices(prices, panel.nDates, panel.assets, { dates: panel.dates });
  const notes: string[] = [];
  let mu: Float64Array;
  if (flags.mu === 'cagr') mu = meanHistoricalReturn(returns, { frequency });
  else if (flags.mu === 'mean') mu = meanHistoricalReturn(returns, { frequency, compounding: false });
  else if (flags.mu === 'ema') mu = emaHistoricalReturn(returns, { frequency });
  else mu = capmReturn(returns, { frequency, riskFreeRate: rf });
  let cov: Matrix;
  switch (flags.cov) {
    case 'sample':
      cov = sampleCov(returns, { frequency });
      break;
    case 'exp-cov':
      cov = expCov(returns, { frequency });
      break;
    case 'semicovariance':
      cov = semicovariance(returns, { frequency });
      break;
    case 'oas':
      cov = oas(returns, { frequency }).matrix;
      break;
    default: {
      const target =
        flags.cov === 'ledoit-wolf'
          ? 'constant-variance'
          : flags.cov === 'ledoit-wolf-single-factor'
            ? 'single-factor'
            : 'constant-correlation';
      const lw = ledoitWolf(returns, { frequency, target });
      notes.push(`Ledoit-Wolf (${target}) shrinkage ${lw.shrinkage!.toFixed(6)}`);
      cov = lw.matrix;
    }
  }
  const fix = repairCovariance(cov);
  if (fix.repaired)
    notes.push(
      `covariance was not positive semidefinite (min eigenvalue ${fix.minEigenvalueBefore}); replaced by its nearest PSD matrix`,
    );
  const sc = completeRows(returns);
  const dist: ReturnDistribution = {
    assets: panel.assets,
    mu,
    cov: fix.matrix,
    riskFreeRate: rf,
    ...(sc.nDates > 0 ? { scenarios: new Matrix(sc.nDates, sc.nAssets, sc.values) } : {}),
  };
  if (excluded.length > 0)
    notes.push(`left out with weight 0 (zero return variance, constant prices): ${excluded.join(', ')}`);
  return { dist, returns, prices, nDates: panel.nDates, notes, excluded };
}

export const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
