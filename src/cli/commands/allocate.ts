/**
 * `keel allocate PRICES --method NAME [--rf R] [--bounds LO,HI] [--frequency 252] [--cov …] [--mu …] [--json]`:
 * weights plus annualised expected return, volatility and Sharpe, with PyPortfolioOpt's defaults (CAGR μ with
 * frequency 252, sample covariance × 252, bounds (0, 1)). `--value V` also turns the weights into whole shares at
 * the last prices (greedy, or `--integer` for the exact integer programme).
 */
import { Command, Option } from 'commander';
import { usageError } from '../../core/index.ts';
import {
  allocatorKinds,
  greedyDiscreteAllocation,
  integerDiscreteAllocation,
  latestPrices,
  type Allocation,
  type AllocatorKind,
  type Constraints,
} from '../../allocation/index.ts';
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
  method: string;
  json?: boolean;
  targetVolatility?: string;
  targetReturn?: string;
  riskAversion?: string;
  linkage?: string;
  maxVolatility?: string;
  value?: string;
  integer?: boolean;
  maxCvar?: string;
}

const METHODS = Object.keys(allocatorKinds).filter((k) => k !== 'fixed-mix' && k !== 'black-litterman');

function params(flags: Flags): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (flags.method === 'efficient-risk') {
    if (flags.targetVolatility === undefined)
      throw usageError('--method efficient-risk needs --target-volatility, e.g. --target-volatility 0.15.');
    p['targetVolatility'] = parseNumber('--target-volatility', flags.targetVolatility, '0.15');
  }
  if (flags.method === 'volatility-target' && flags.targetVolatility !== undefined) {
    p['targetVolatility'] = parseNumber('--target-volatility', flags.targetVolatility, '0.1');
  }
  if (flags.method === 'efficient-return') {
    if (flags.targetReturn === undefined)
      throw usageError('--method efficient-return needs --target-return, e.g. --target-return 0.2.');
    p['targetReturn'] = parseNumber('--target-return', flags.targetReturn, '0.2');
  }
  if (flags.method === 'max-quadratic-utility' && flags.riskAversion !== undefined)
    p['riskAversion'] = parseNumber('--risk-aversion', flags.riskAversion, '1');
  if ((flags.method === 'hrp' || flags.method === 'herc') && flags.linkage !== undefined) p['linkage'] = flags.linkage;
  if (flags.method === 'efficient-cvar') {
    if (flags.maxCvar === undefined)
      throw usageError('--method efficient-cvar needs --max-cvar, the daily CVaR(0.95) cap, e.g. --max-cvar 0.025.');
    p['maxCVaR'] = parseNumber('--max-cvar', flags.maxCvar, '0.025');
  }
  return p;
}

export function allocateCommand(): Command {
  return new Command('allocate')
    .description(
      'optimise portfolio weights from a price file and print weights, expected return, volatility and Sharpe',
    )
    .argument('<prices>', 'price file: wide CSV/Parquet (date + one column per asset)')
    .addOption(new Option('--method <name>', 'allocator').choices(METHODS).default('max-sharpe'))
    .option('--rf <rate>', 'annual risk-free rate (fraction)', '0.02')
    .option('--bounds <lo,hi>', 'per-asset weight bounds, e.g. 0,1 or -1,1 (none = ±1 as PyPortfolioOpt)')
    .option('--frequency <n>', 'periods per year for annualising', '252')
    .addOption(new Option('--cov <estimator>', 'covariance estimator').choices([...COV_CHOICES]).default('sample'))
    .addOption(
      new Option('--mu <estimator>', 'expected-return estimator (cagr = geometric mean)')
        .choices([...MU_CHOICES])
        .default('cagr'),
    )
    .option('--market-neutral', 'weights sum to 0 (needs negative bounds)')
    .option('--target-volatility <vol>', 'for efficient-risk / volatility-target (annualised)')
    .option('--target-return <r>', 'for efficient-return (annualised)')
    .option('--risk-aversion <delta>', 'for max-quadratic-utility')
    .addOption(new Option('--linkage <method>', 'for hrp / herc').choices(['single', 'average', 'complete', 'ward']))
    .option('--max-volatility <vol>', 'volatility cap (annualised) for optimising methods')
    .option('--max-cvar <loss>', 'for efficient-cvar: CVaR(0.95) cap per period of the returns (daily), e.g. 0.025')
    .option(
      '--missing <policy>',
      'missing-data policy for holes after an asset starts: error | forward-fill:N | drop-dates | drop-assets',
      'error',
    )
    .option('--value <amount>', 'also allocate this cash amount into whole shares at the last prices')
    .option('--integer', 'with --value: exact integer programme instead of the greedy rounding')
    .option('--json', 'print JSON')
    .action(async (prices: string, flags: Flags) => {
      const p = params(flags);
      const constraints: Constraints = {
        ...(flags.bounds !== undefined ? { weightBounds: parseBounds(flags.bounds)! } : {}),
        ...(flags.marketNeutral ? { marketNeutral: true } : {}),
        ...(flags.maxVolatility !== undefined
          ? { maxVolatility: parseNumber('--max-volatility', flags.maxVolatility, '0.1') }
          : {}),
      };
      const value = flags.value === undefined ? undefined : parseNumber('--value', flags.value, '10000');
      const est = await estimate(prices, flags);
      const entry = allocatorKinds[flags.method as AllocatorKind];
      const allocator = (
        entry.create as (x: unknown) => { allocate: (d: typeof est.dist, c: Constraints) => Allocation }
      )(entry.schema.parse(p));
      const a = allocator.allocate(est.dist, constraints);
      const assets = est.dist.assets;
      let discrete: ReturnType<typeof greedyDiscreteAllocation> | undefined;
      if (value !== undefined && a.status !== 'failed') {
        const last = latestPrices(est.prices, est.nDates, assets.length);
        discrete = flags.integer
          ? integerDiscreteAllocation(assets, a.weights, last, value)
          : greedyDiscreteAllocation(assets, a.weights, last, value);
      }
      if (flags.json) {
        const weights: Record<string, number> = {};
        assets.forEach((s, i) => (weights[s] = a.weights[i]!));
        process.stdout.write(
          JSON.stringify(
            {
              method: flags.method,
              status: a.status,
              weights,
              diagnostics: a.diagnostics,
              trail: a.trail,
              notes: est.notes,
              ...(discrete ? { discrete } : {}),
            },
            null,
            1,
          ) + '\n',
        );
      } else {
        const lines: string[] = [`method ${flags.method}: ${a.status}`];
        for (const t of a.trail) if (t.outcome !== 'ok' || a.trail.length > 1) lines.push(`  ${t.by}: ${t.outcome}`);
        for (const n of est.notes) lines.push(`note: ${n}`);
        const width = Math.max(...assets.map((s) => s.length));
        assets.forEach((s, i) => {
          const w = a.weights[i]!;
          if (Math.abs(w) > 1e-6) lines.push(`  ${s.padEnd(width)}  ${(w * 100).toFixed(2).padStart(8)} %`);
        });
        const d = a.diagnostics;
        if (typeof d['expectedReturn'] === 'number') {
          lines.push(
            `expected annual return ${pct(d['expectedReturn'])}`,
            `annual volatility ${pct(d['volatility'] as number)}`,
            `Sharpe ratio ${(d['sharpe'] as number).toFixed(4)} (rf ${est.dist.riskFreeRate})`,
          );
        }
        if (discrete) {
          lines.push(
            `shares for ${value}: ${Object.entries(discrete.shares)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
            `leftover ${discrete.leftover.toFixed(2)}`,
          );
        }
        process.stdout.write(lines.join('\n') + '\n');
      }
      if (a.status === 'failed') process.exitCode = 1;
    });
}
