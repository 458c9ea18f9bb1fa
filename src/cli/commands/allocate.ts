/**
 * `keel allocate PRICES --method NAME [--rf R] [--bounds LO,HI] [--frequency 252] [--cov …] [--mu …] [--json]`:
 * weights plus annualised expected return, volatility and Sharpe, with PyPortfolioOpt's defaults (CAGR μ with
 * frequency 252, sample covariance × 252, bounds (0, 1)). `--value V` also turns the weights into whole shares at
 * the last prices (greedy, or `--integer` for the exact integer programme). `--params JSON` and `--constraints JSON`
 * reach every allocator kind and every constraint of the library.
 *
 * Nothing silent: constraints no portfolio of the file's assets can meet are refused before solving (exit 2, one
 * line with the arithmetic); a fallback, cash, or an asset left out (zero variance) is printed as a finding, in the
 * same format as `keel run`; `--strict` fails (exit 1) on any warning; a failed allocation is an error line (exit 1).
 */
import { Command, Option } from 'commander';
import * as z from 'zod';
import {
  dataError,
  enforceStrict,
  formatFindingGroup,
  groupFindings,
  usageError,
  type Finding,
} from '../../core/index.ts';
import {
  allocationFindings,
  allocatorKinds,
  constraintProblems,
  constraintsSchema,
  zeroVarianceFinding,
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
  params?: string;
  constraints?: string;
  strict?: boolean;
}

const METHODS = Object.keys(allocatorKinds);

/** A JSON flag's value checked by `schema`; any problem is one usage line naming the flag, the path and the rule. */
function parseJsonFlag<T>(flag: string, text: string, schema: z.ZodType<T>, example: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`${flag} must be a JSON object, got ${JSON.stringify(text)}. Example: ${flag} '${example}'.`);
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  throw usageError(`${flag}: ${where}${first.message.replace(/\s*\n\s*/g, ' ')}. Example: ${flag} '${example}'.`);
}

function params(flags: Flags): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const given =
    flags.params === undefined
      ? {}
      : parseJsonFlag('--params', flags.params, z.record(z.string(), z.unknown()), '{"fallback":[]}');
  Object.assign(p, given);
  if (flags.method === 'efficient-risk' && given['targetVolatility'] === undefined) {
    if (flags.targetVolatility === undefined)
      throw usageError('--method efficient-risk needs --target-volatility, e.g. --target-volatility 0.15.');
    p['targetVolatility'] = parseNumber('--target-volatility', flags.targetVolatility, '0.15');
  }
  if (flags.method === 'volatility-target' && flags.targetVolatility !== undefined) {
    p['targetVolatility'] = parseNumber('--target-volatility', flags.targetVolatility, '0.1');
  }
  if (flags.method === 'efficient-return' && given['targetReturn'] === undefined) {
    if (flags.targetReturn === undefined)
      throw usageError('--method efficient-return needs --target-return, e.g. --target-return 0.2.');
    p['targetReturn'] = parseNumber('--target-return', flags.targetReturn, '0.2');
  }
  if (flags.method === 'max-quadratic-utility' && flags.riskAversion !== undefined)
    p['riskAversion'] = parseNumber('--risk-aversion', flags.riskAversion, '1');
  if ((flags.method === 'hrp' || flags.method === 'herc') && flags.linkage !== undefined) p['linkage'] = flags.linkage;
  if (flags.method === 'efficient-cvar' && given['maxCVaR'] === undefined) {
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
    .option('--params <json>', "the allocator kind's parameters as JSON (see keel schema), e.g. '{\"fallback\":[]}'")
    .option('--constraints <json>', 'any library constraints as JSON, e.g. \'{"maxHoldings":3}\' (flags win)')
    .option(
      '--strict',
      'fail (exit 1) on any finding of severity warning or worse (a fallback, cash, a left-out asset)',
    )
    .option('--json', 'print JSON')
    .action(async (prices: string, flags: Flags) => {
      const p = params(flags);
      const entry = allocatorKinds[flags.method as AllocatorKind];
      const parsedParams = entry.schema.safeParse(p);
      if (!parsedParams.success) {
        const first = parsedParams.error.issues[0]!;
        const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
        throw usageError(
          `--method ${flags.method}: ${where}${first.message.replace(/\s*\n\s*/g, ' ')}; give it with --params '{…}' (see keel schema).`,
        );
      }
      const constraints: Constraints = {
        ...(flags.constraints === undefined
          ? {}
          : parseJsonFlag('--constraints', flags.constraints, constraintsSchema, '{"weightBounds":[0,0.5]}')),
        ...(flags.bounds !== undefined ? { weightBounds: parseBounds(flags.bounds)! } : {}),
        ...(flags.marketNeutral ? { marketNeutral: true } : {}),
        ...(flags.maxVolatility !== undefined
          ? { maxVolatility: parseNumber('--max-volatility', flags.maxVolatility, '0.1') }
          : {}),
      };
      const value = flags.value === undefined ? undefined : parseNumber('--value', flags.value, '10000');
      const est = await estimate(prices, flags);
      // Known before solving: refuse instead of printing a failed (all-cash) allocation.
      const problems = constraintProblems(est.dist.assets, constraints);
      if (problems.length > 0)
        throw usageError(
          `constraints cannot be met by the ${est.dist.assets.length} assets of ${prices}: ${problems.join('; ')}.`,
        );
      const allocator = (
        entry.create as (x: unknown) => { allocate: (d: typeof est.dist, c: Constraints) => Allocation }
      )(parsedParams.data);
      const a = allocator.allocate(est.dist, constraints);
      const assets = est.dist.assets;
      const findings: Finding[] = [
        ...est.excluded.map((id) => zeroVarianceFinding(id, 'the price file', flags.method)),
        ...allocationFindings(a),
      ];
      if (a.status === 'failed')
        throw dataError(
          `${flags.method} found no portfolio (${a.trail.map((t) => `${t.by}: ${t.outcome}`).join('; ')}); loosen the constraints that fail or use a longer price history.`,
        );
      if (flags.strict) enforceStrict(findings, 'keel allocate');
      let discrete: ReturnType<typeof greedyDiscreteAllocation> | undefined;
      if (value !== undefined) {
        const last = latestPrices(est.prices, est.nDates, assets.length);
        discrete = flags.integer
          ? integerDiscreteAllocation(assets, a.weights, last, value)
          : greedyDiscreteAllocation(assets, a.weights, last, value);
      }
      if (flags.json) {
        const weights: Record<string, number> = {};
        assets.forEach((s, i) => (weights[s] = a.weights[i]!));
        for (const id of est.excluded) weights[id] = 0;
        process.stdout.write(
          JSON.stringify(
            {
              method: flags.method,
              status: a.status,
              weights,
              diagnostics: a.diagnostics,
              trail: a.trail,
              findings,
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
        for (const g of groupFindings(findings)) lines.push(`finding: ${formatFindingGroup(g)}`);
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
    });
}
