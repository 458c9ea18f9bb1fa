/**
 * `runStudyFileSeeds(path, { seeds: K })`: the same study on K consecutive master seeds (the study's seed, or
 * `options.seed`, and the K − 1 after it). One run's IC has a standard error of 0.03–0.07 on the default market, so a
 * forecaster is judged by the mean over seeds, with its standard error. Each seed writes its own run folder; a
 * further folder `<id>-<name>-seeds` holds `seeds-summary.json` (per strategy: mean and standard error of IC, rank
 * IC, Sharpe and deflated Sharpe; on synthetic data the ceiling IC and the share of it found) and the run ids.
 */
import { dirname } from 'node:path';
import { configError } from '../core/index.ts';
import { parseStudyText, validateStudy } from '../config/index.ts';
import { configHash, readStudyFile, withRunDir } from '../io/index.ts';
import { runStudy, type RunResult, type RunStudyOptions } from './run-study.ts';

export interface MeanSe {
  readonly mean: number;
  /** Standard error of the mean: sample sd / √n (NaN for n < 2). */
  readonly se: number;
  readonly n: number;
}

export interface SeedsRow {
  readonly strategy: string;
  readonly section?: string;
  readonly baseline: boolean;
  /** An agent of this rl-agent ensemble acting alone (`<name>#k`): not an extra trial, no DSR of its own. */
  readonly memberOf?: string;
  readonly sharpe: MeanSe;
  readonly deflatedSharpe: MeanSe;
  /**
   * With a 1/N baseline: DSR of the return in excess of 1/N (in an ML job over 1/N at the strategy's own volatility
   * target when one ran); mean L1 distance of the weights from 1/N.
   */
  readonly deflatedSharpeVsEqualWeight?: MeanSe;
  readonly l1FromEqualWeight?: MeanSe;
  /** ML strategies only. */
  readonly ic?: MeanSe;
  readonly rankIc?: MeanSe;
  /** Synthetic data: the planted ceiling and the share of it found (mean of per-seed ratios). */
  readonly ceilingIc?: MeanSe;
  readonly shareOfCeiling?: MeanSe;
}

export interface SeedsResult {
  readonly seeds: readonly number[];
  readonly runs: readonly RunResult[];
  readonly rows: readonly SeedsRow[];
  /** The folder holding seeds-summary.json. */
  readonly path: string;
}

export function meanSe(values: readonly number[]): MeanSe {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { mean: NaN, se: NaN, n: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN, n };
}

interface SeedFigures {
  readonly key: string;
  readonly strategy: string;
  readonly section?: string;
  readonly baseline: boolean;
  readonly memberOf?: string;
  readonly values: Readonly<Record<string, number | undefined>>;
}

interface MemberSummary {
  readonly name: string;
  readonly sharpe: number;
  readonly l1FromEqualWeight: number;
}

/** An ensemble's agents alone, after the ensemble's own figures (keys within the ensemble's section). */
function memberFigures(
  section: string | undefined,
  strategy: string,
  members: readonly MemberSummary[] | undefined,
): SeedFigures[] {
  return (members ?? []).map((m) => ({
    key: `${section ?? ''}\u0000${m.name}`,
    strategy: m.name,
    ...(section === undefined ? {} : { section }),
    baseline: false,
    memberOf: strategy,
    values: { sharpe: m.sharpe ?? NaN, deflatedSharpe: NaN, l1FromEqualWeight: m.l1FromEqualWeight ?? NaN },
  }));
}

/** Per-strategy figures of one run, from its summary (ML job rows, or plain backtest rows). */
function figuresOf(run: RunResult): SeedFigures[] {
  const ml = run.summary['ml'] as
    | {
        strategies?: readonly {
          section: string;
          strategy: string;
          baseline: boolean;
          sharpe: number;
          deflatedSharpe: number;
          deflatedSharpeVsEqualWeight?: number;
          l1FromEqualWeight?: number;
          ic: number;
          rankIc?: number;
          ceilingIc?: number;
          members?: MemberSummary[];
        }[];
      }
    | undefined;
  if (ml?.strategies)
    return ml.strategies.flatMap((r) => [
      {
        key: `${r.section}\u0000${r.strategy}`,
        strategy: r.strategy,
        section: r.section,
        baseline: r.baseline,
        values: {
          sharpe: r.sharpe,
          deflatedSharpe: r.deflatedSharpe,
          ...(r.deflatedSharpeVsEqualWeight === undefined
            ? {}
            : { deflatedSharpeVsEqualWeight: r.deflatedSharpeVsEqualWeight }),
          ...(r.l1FromEqualWeight === undefined ? {} : { l1FromEqualWeight: r.l1FromEqualWeight }),
          // forecasters only (rl-agent and rule strategies beside them have no forecasts to score)
          ...(r.rankIc === undefined ? {} : { ic: r.ic, rankIc: r.rankIc }),
          ...(r.ceilingIc === undefined ? {} : { ceilingIc: r.ceilingIc, shareOfCeiling: r.ic / r.ceilingIc }),
        },
      },
      ...memberFigures(r.section, r.strategy, r.members),
    ]);
  const bt = run.summary['backtest'] as
    | readonly {
        name: string;
        baseline: boolean;
        metrics?: Record<string, number>;
        l1FromEqualWeight?: number;
        deflatedSharpeVsEqualWeight?: number;
        members?: MemberSummary[];
      }[]
    | undefined;
  return (bt ?? []).flatMap((r) => [
    {
      key: r.name,
      strategy: r.name,
      baseline: r.baseline,
      values: {
        sharpe: r.metrics?.['sharpe'],
        deflatedSharpe: r.metrics?.['deflatedSharpe'],
        ...(r.deflatedSharpeVsEqualWeight === undefined
          ? {}
          : { deflatedSharpeVsEqualWeight: r.deflatedSharpeVsEqualWeight }),
        ...(r.l1FromEqualWeight === undefined ? {} : { l1FromEqualWeight: r.l1FromEqualWeight }),
      },
    },
    ...memberFigures(undefined, r.name, r.members),
  ]);
}

export function aggregateSeeds(runs: readonly RunResult[]): SeedsRow[] {
  const order: string[] = [];
  const byKey = new Map<string, SeedFigures[]>();
  for (const run of runs)
    for (const f of figuresOf(run)) {
      if (!byKey.has(f.key)) {
        order.push(f.key);
        byKey.set(f.key, []);
      }
      byKey.get(f.key)!.push(f);
    }
  return order.map((key) => {
    const fs = byKey.get(key)!;
    const first = fs[0]!;
    const stat = (name: string): MeanSe | undefined =>
      fs.some((f) => f.values[name] !== undefined) ? meanSe(fs.map((f) => f.values[name] ?? NaN)) : undefined;
    const opt = (name: string) => {
      const s = stat(name);
      return s ? { [name]: s } : {};
    };
    return {
      strategy: first.strategy,
      ...(first.section === undefined ? {} : { section: first.section }),
      baseline: first.baseline,
      ...(first.memberOf === undefined ? {} : { memberOf: first.memberOf }),
      sharpe: stat('sharpe')!,
      deflatedSharpe: stat('deflatedSharpe')!,
      ...opt('deflatedSharpeVsEqualWeight'),
      ...opt('l1FromEqualWeight'),
      ...opt('ic'),
      ...opt('rankIc'),
      ...opt('ceilingIc'),
      ...opt('shareOfCeiling'),
    };
  });
}

/**
 * Runs `runOne(seed)` for `seeds` consecutive seeds from `firstSeed` and aggregates the figures over them
 * (`runStudy` or `runStudyFile` with `{ seed }` as `runOne`; see `runStudyFileSeeds`).
 */
export async function runStudySeeds(
  runOne: (seed: number) => Promise<RunResult>,
  options: {
    readonly seeds: number;
    readonly firstSeed: number;
    readonly outDir?: string;
    readonly clock?: () => Date;
    readonly onSeed?: (seed: number, index: number, count: number) => void;
  },
): Promise<SeedsResult> {
  const k = options.seeds;
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw configError(`--seeds must be an integer from 1 to 1000, got ${k}; use e.g. --seeds 5.`);
  const first = options.firstSeed;
  if (first + k - 1 > 2 ** 32 - 1)
    throw configError(`--seeds ${k} from seed ${first} runs past the largest seed 4294967295; start lower.`);
  const seeds = Array.from({ length: k }, (_, i) => first + i);
  const runs: RunResult[] = [];
  for (const [i, seed] of seeds.entries()) {
    options.onSeed?.(seed, i, k);
    runs.push(await runOne(seed));
  }
  const rows = aggregateSeeds(runs);
  const study = runs[0]!.study;
  const { path } = await withRunDir(
    {
      outDir: options.outDir ?? 'runs',
      studyName: `${study.name}-seeds`,
      hash: configHash({ study: { ...study, seed: first }, seeds }),
      clock: options.clock ?? (() => new Date()),
    },
    (dir) => {
      dir.writeJson('seeds-summary.json', {
        study: study.name,
        seeds,
        runs: runs.map((r) => r.runId),
        findings: runs.map((r) => r.findings.length),
        rows,
      });
    },
  );
  return { seeds, runs, rows, path };
}

/** A study file on `seeds` consecutive seeds from its own seed (or `options.seed`). */
export async function runStudyFileSeeds(
  path: string,
  options: Omit<RunStudyOptions, 'source' | 'baseDir'> & {
    readonly seeds: number;
    readonly onSeed?: (seed: number, index: number, count: number) => void;
  },
): Promise<SeedsResult> {
  const { seeds, onSeed, ...single } = options;
  // Read once: every seed runs the same bytes, even if the file is edited while a long batch runs.
  const file = readStudyFile(path);
  const study = parseStudyText(file.text, path) as { seed?: number };
  const firstSeed = options.seed ?? validateStudy(study, path).seed;
  const source = { path, bytes: file.bytes };
  return runStudySeeds((seed) => runStudy(study, { ...single, seed, source, baseDir: dirname(path) }), {
    seeds,
    firstSeed,
    ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(onSeed === undefined ? {} : { onSeed }),
  });
}
