/**
 * `keel frontier PRICES [--points 20] [--json]`: the efficient frontier (return, volatility, Sharpe) from the
 * minimum-variance portfolio to the maximum-return one, plus the max-Sharpe point, as a table or JSON.
 */
import { Command, Option } from 'commander';
import { usageError } from '../../core/index.ts';
import { efficientFrontier, maxSharpe, portfolioPerformance, type Constraints } from '../../allocation/index.ts';
import {
  COV_CHOICES,
  MU_CHOICES,
  estimate,
  parseBounds,
  parseNumber,
  pct,
  type EstimateFlags,
} from './allocate-shared.ts';

interface Flags extends EstimateFlags {
  points: string;
  json?: boolean;
}

export function frontierCommand(): Command {
  return new Command('frontier')
    .description('print the efficient frontier (expected return, volatility, Sharpe) from a price file')
    .argument('<prices>', 'price file: wide CSV/Parquet (date + one column per asset)')
    .option('--points <n>', 'number of frontier points', '20')
    .option('--rf <rate>', 'annual risk-free rate (fraction)', '0.02')
    .option('--bounds <lo,hi>', 'per-asset weight bounds, e.g. 0,1 or -1,1')
    .option('--frequency <n>', 'periods per year for annualising', '252')
    .addOption(new Option('--cov <estimator>', 'covariance estimator').choices([...COV_CHOICES]).default('sample'))
    .addOption(new Option('--mu <estimator>', 'expected-return estimator').choices([...MU_CHOICES]).default('cagr'))
    .option('--market-neutral', 'weights sum to 0')
    .option('--missing <policy>', 'missing-data policy: error | forward-fill:N | drop-dates | drop-assets', 'error')
    .option('--json', 'print JSON')
    .action(async (prices: string, flags: Flags) => {
      const points = parseNumber('--points', flags.points, '20');
      if (!Number.isInteger(points) || points < 2 || points > 1000)
        throw usageError(`--points must be a whole number from 2 to 1000, got ${flags.points}.`);
      const c: Constraints = {
        ...(flags.bounds !== undefined ? { weightBounds: parseBounds(flags.bounds)! } : {}),
        ...(flags.marketNeutral ? { marketNeutral: true } : {}),
      };
      const est = await estimate(prices, flags);
      const rows = efficientFrontier(est.dist, points, c);
      let tangency: ReturnType<typeof portfolioPerformance> | undefined;
      try {
        tangency = portfolioPerformance(maxSharpe(est.dist, c), est.dist.mu, est.dist.cov, est.dist.riskFreeRate);
      } catch {
        tangency = undefined;
      }
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({
            assets: est.dist.assets,
            points: rows.map((r) => ({
              expectedReturn: r.expectedReturn,
              volatility: r.volatility,
              sharpe: r.sharpe,
              weights: Array.from(r.weights),
            })),
            maxSharpe: tangency ?? null,
            notes: est.notes,
          }) + '\n',
        );
        return;
      }
      const lines = ['   return  volatility   Sharpe'];
      for (const r of rows)
        lines.push(
          `${pct(r.expectedReturn).padStart(9)}  ${pct(r.volatility).padStart(10)}  ${r.sharpe.toFixed(4).padStart(7)}`,
        );
      if (tangency)
        lines.push(
          `max Sharpe: return ${pct(tangency.expectedReturn)}, volatility ${pct(tangency.volatility)}, Sharpe ${tangency.sharpe.toFixed(4)}`,
        );
      for (const n of est.notes) lines.push(`note: ${n}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
