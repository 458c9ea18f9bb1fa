/**
 * Parameters of the synthetic market: one zod strictObject with defaults for everything, so `{}` (or just
 * `{ seed: 7 }`) describes a complete, realistic market. Unknown keys are errors. `parseSynthParams` turns the first
 * problem into one line naming the parameter, the rule, the value received and a fix.
 */
import { z } from 'zod';
import { configError } from '../core/index.ts';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

const unit = (name: string, max: number, hint: string) =>
  z
    .number({ error: `${name} must be a number` })
    .min(0, { error: `${name} must be ≥ 0 (0 switches it off); ${hint}` })
    .max(max, { error: `${name} must be ≤ ${max}; ${hint}` });

const regimeSchema = (name: string, d: RegimeParams) =>
  z
    .strictObject({
      /** Expected stay in this regime, in business days (geometric durations; leave probability = 1 / this). */
      meanDurationDays: z
        .number()
        .min(2, { error: `regimes.${name}.meanDurationDays must be ≥ 2 business days; use e.g. ${d.meanDurationDays}` })
        .max(10_000, { error: `regimes.${name}.meanDurationDays must be ≤ 10000; use e.g. ${d.meanDurationDays}` })
        .default(d.meanDurationDays)
        .describe('expected stay in this regime, business days'),
      /** Annual drift of the equity market factor in this regime (fraction, 0.15 = 15 %/year). */
      equityDrift: z
        .number()
        .min(-2, {
          error: `regimes.${name}.equityDrift must be within [-2, 2] (annual fraction); use e.g. ${d.equityDrift}`,
        })
        .max(2, {
          error: `regimes.${name}.equityDrift must be within [-2, 2] (annual fraction); use e.g. ${d.equityDrift}`,
        })
        .default(d.equityDrift)
        .describe('annual drift of the equity market factor in this regime (0.15 = 15 %)'),
      /** Multiplier on every factor's volatility in this regime (bonds and gold get its square root). */
      volMultiplier: z
        .number()
        .min(0.1, { error: `regimes.${name}.volMultiplier must be within [0.1, 10]; use e.g. ${d.volMultiplier}` })
        .max(10, { error: `regimes.${name}.volMultiplier must be within [0.1, 10]; use e.g. ${d.volMultiplier}` })
        .default(d.volMultiplier)
        .describe('multiplier on factor volatility in this regime (bonds and gold get its square root)'),
      /** Correlation of the long-bond shock with the equity-market shock in this regime. */
      stockBondCorr: z
        .number()
        .min(-0.95, {
          error: `regimes.${name}.stockBondCorr must be within [-0.95, 0.95]; use e.g. ${d.stockBondCorr}`,
        })
        .max(0.95, { error: `regimes.${name}.stockBondCorr must be within [-0.95, 0.95]; use e.g. ${d.stockBondCorr}` })
        .default(d.stockBondCorr)
        .describe('correlation of long-bond and equity-market shocks in this regime'),
      /** Correlation of the gold shock with the equity-market shock in this regime. */
      goldEquityCorr: z
        .number()
        .min(-0.95, {
          error: `regimes.${name}.goldEquityCorr must be within [-0.95, 0.95]; use e.g. ${d.goldEquityCorr}`,
        })
        .max(0.95, {
          error: `regimes.${name}.goldEquityCorr must be within [-0.95, 0.95]; use e.g. ${d.goldEquityCorr}`,
        })
        .default(d.goldEquityCorr)
        .describe('correlation of gold and equity-market shocks in this regime'),
    })
    .prefault({});

interface RegimeParams {
  meanDurationDays: number;
  equityDrift: number;
  volMultiplier: number;
  stockBondCorr: number;
  goldEquityCorr: number;
}

/** Regime order used everywhere (truth.regimes holds these indices). */
export const REGIME_NAMES = ['calm', 'bear', 'crisis'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

const REGIME_DEFAULTS: Record<RegimeName, RegimeParams> = {
  calm: { meanDurationDays: 250, equityDrift: 0.15, volMultiplier: 0.75, stockBondCorr: -0.35, goldEquityCorr: 0.05 },
  bear: { meanDurationDays: 90, equityDrift: -0.08, volMultiplier: 1.35, stockBondCorr: 0.45, goldEquityCorr: 0.1 },
  crisis: { meanDurationDays: 30, equityDrift: -0.45, volMultiplier: 2.6, stockBondCorr: -0.5, goldEquityCorr: -0.2 },
};

export const DEFAULT_SECTORS = ['Technology', 'Financials', 'Healthcare', 'Energy', 'Consumer', 'Industrials'] as const;

/** The synthetic market's parameters (zod v4 strictObject; every field has a default). */
export const synthMarketSchema = z.strictObject({
  /** Seed of every random stream; same seed → identical output bytes. */
  seed: z
    .int({ error: 'seed must be an integer in [0, 4294967295]; use e.g. seed: 42' })
    .min(0, { error: 'seed must be an integer in [0, 4294967295]; use e.g. seed: 42' })
    .max(0xffffffff, { error: 'seed must be an integer in [0, 4294967295]; use e.g. seed: 42' })
    .default(42)
    .describe('random seed; same seed gives identical output'),
  /** First calendar day; the calendar starts on the first business day (Mon–Fri) on or after it. */
  start: z
    .string()
    .regex(ISO, { error: "start must be a date written YYYY-MM-DD; use e.g. start: '2014-01-01'" })
    .refine(
      (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
      {
        error: "start must be a real calendar date; use e.g. start: '2014-01-01'",
      },
    )
    .default('2014-01-01')
    .describe('first calendar day, YYYY-MM-DD (the calendar starts on the next business day)'),
  /** Length of the calendar in years (business days ≈ 261 per year). */
  years: z
    .number()
    .min(0.25, { error: 'years must be within [0.25, 60]; use e.g. years: 10' })
    .max(60, { error: 'years must be within [0.25, 60]; use e.g. years: 10' })
    .default(10)
    .describe('length of the business-day calendar in years'),
  /** Number of single stocks (ids STK001…) beside the four core assets; 0 = core assets only. */
  stocks: z
    .int({ error: 'stocks must be a whole number; use 0 for none or 20–200 for a stock universe' })
    .min(0, { error: 'stocks must be within [0, 1000]; use 0 for none or 20–200 for a stock universe' })
    .max(1000, { error: 'stocks must be within [0, 1000]; use 0 for none or 20–200 for a stock universe' })
    .default(24)
    .describe('number of single stocks STK001… beside the 4 core assets'),
  /** Sector names the stocks are spread over (round robin). A sector named 'Technology' also loads on the tech factor. */
  sectors: z
    .array(z.string().min(1, { error: 'sectors must be non-empty names' }))
    .min(1, { error: 'sectors must list at least one sector name; use e.g. sectors: [Technology, Financials]' })
    .max(50, { error: 'sectors must list at most 50 names' })
    .refine((s) => new Set(s).size === s.length, { error: 'sectors must not repeat a name; remove the duplicate' })
    .default([...DEFAULT_SECTORS])
    .describe('sector names the stocks are spread over; Technology also loads on the tech factor'),
  /** Degrees of freedom of the Student-t shocks (lower = fatter tails; > 2 so variance exists). */
  tailDf: z
    .number()
    .gt(2.5, { error: 'tailDf must be > 2.5 (Student-t variance must exist); use e.g. tailDf: 5' })
    .max(1000, { error: 'tailDf must be ≤ 1000; use a large value such as 200 for near-normal shocks' })
    .default(5)
    .describe('Student-t degrees of freedom of every shock (lower = fatter tails)'),
  /** GARCH(1,1) on every factor and idiosyncratic shock: h = (1-α-β) + α ε² + β h (unit long-run variance). */
  garch: z
    .strictObject({
      alpha: z
        .number()
        .min(0, { error: 'garch.alpha must be within [0, 0.5]; use e.g. 0.08' })
        .max(0.5, { error: 'garch.alpha must be within [0, 0.5]; use e.g. 0.08' })
        .default(0.08)
        .describe('GARCH(1,1) reaction to the last squared shock'),
      beta: z
        .number()
        .min(0, { error: 'garch.beta must be within [0, 0.99]; use e.g. 0.9' })
        .max(0.99, { error: 'garch.beta must be within [0, 0.99]; use e.g. 0.9' })
        .default(0.9)
        .describe('GARCH(1,1) persistence of variance'),
    })
    .prefault({})
    .refine((g) => g.alpha + g.beta < 0.999, {
      error: 'garch.alpha + garch.beta must be < 0.999 (stationary variance); use e.g. alpha 0.08, beta 0.9',
    }),
  regimes: z
    .strictObject({
      calm: regimeSchema('calm', REGIME_DEFAULTS.calm),
      bear: regimeSchema('bear', REGIME_DEFAULTS.bear),
      crisis: regimeSchema('crisis', REGIME_DEFAULTS.crisis),
    })
    .prefault({}),
  /**
   * Planted predictability. Each strength is roughly the information coefficient it plants: the correlation between
   * the (unit-variance) signal known at the close of t-1 and the return of day t, for a typical asset in calm times.
   * All zero (and regimeDrift 0) ⇒ the conditional mean of every return is a constant: nothing in the past predicts it.
   */
  predictability: z
    .strictObject({
      momentum: unit('predictability.momentum', 0.3, 'use e.g. 0.03')
        .default(0.03)
        .describe('planted momentum strength (≈ information coefficient; 0 = off)'),
      /** Window of the momentum signal (business days) and the most recent days it skips. */
      momentumLookback: z
        .int()
        .min(5, { error: 'predictability.momentumLookback must be an integer in [5, 500]; use e.g. 60' })
        .max(500, { error: 'predictability.momentumLookback must be an integer in [5, 500]; use e.g. 60' })
        .default(60)
        .describe('momentum window, business days'),
      momentumSkip: z
        .int()
        .min(0, { error: 'predictability.momentumSkip must be an integer in [0, 60]; use e.g. 5' })
        .max(60, { error: 'predictability.momentumSkip must be an integer in [0, 60]; use e.g. 5' })
        .default(5)
        .describe('most recent business days the momentum window skips'),
      meanReversion: unit('predictability.meanReversion', 0.3, 'use e.g. 0.03')
        .default(0.03)
        .describe('planted short-horizon mean-reversion strength (0 = off)'),
      meanReversionLookback: z
        .int()
        .min(1, { error: 'predictability.meanReversionLookback must be an integer in [1, 60]; use e.g. 5' })
        .max(60, { error: 'predictability.meanReversionLookback must be an integer in [1, 60]; use e.g. 5' })
        .default(5)
        .describe('mean-reversion window, business days'),
      macro: unit('predictability.macro', 0.5, 'use e.g. 0.05')
        .default(0.05)
        .describe('planted strength of returns loading on lagged macro surprises (0 = off)'),
      sentiment: unit('predictability.sentiment', 0.5, 'use e.g. 0.05')
        .default(0.05)
        .describe('planted strength of headline tone leading returns (0 = off)'),
      /** Business days by which a headline's tone leads the return it predicts (≥ 1: tone on t moves the return on t + lead). */
      sentimentLeadDays: z
        .int({
          error: 'predictability.sentimentLeadDays must be a whole number of business days in [1, 20]; use e.g. 2',
        })
        .min(1, {
          error: 'predictability.sentimentLeadDays must be in [1, 20] (0 would be same-day, not a lead); use e.g. 2',
        })
        .max(20, { error: 'predictability.sentimentLeadDays must be in [1, 20]; use e.g. 2' })
        .default(2)
        .describe('business days by which headline tone leads returns'),
      /** 1 = regimes have their own equity drift; 0 = every regime has the long-run average drift. */
      regimeDrift: unit('predictability.regimeDrift', 1, 'use 1 for regime-dependent drift, 0 for none')
        .default(1)
        .describe('1 = regime-dependent equity drift, 0 = the long-run average in every regime'),
    })
    .prefault({}),
  /**
   * A planted structural break: from the stated day on, the named planted signal (or all of them) flips sign or
   * vanishes in the returns. The signals themselves (truth.signals) are unchanged; their effect α is what breaks.
   * Absent = no break. Exactly one of `date` (first business day on or after it) and `atFraction` (of the calendar).
   */
  break: z
    .strictObject({
      date: z
        .string()
        .regex(ISO, { error: "break.date must be a date written YYYY-MM-DD; use e.g. date: '2019-01-02'" })
        .optional()
        .describe('first day of the break, YYYY-MM-DD (the next business day if it is none)'),
      atFraction: z
        .number()
        .gt(0, { error: 'break.atFraction must be within (0, 1) of the calendar; use e.g. atFraction: 0.6' })
        .lt(1, { error: 'break.atFraction must be within (0, 1) of the calendar; use e.g. atFraction: 0.6' })
        .optional()
        .describe('first day of the break as a fraction of the calendar'),
      signal: z
        .enum(['momentum', 'meanReversion', 'macro', 'sentiment', 'all'], {
          error:
            'break.signal must be one of momentum, meanReversion, macro, sentiment, all; use e.g. signal: momentum',
        })
        .default('all')
        .describe('the planted signal that breaks (all = every one)'),
      to: z
        .enum(['flip', 'vanish'], { error: 'break.to must be flip or vanish; use e.g. to: flip' })
        .default('flip')
        .describe('flip = the signal predicts with the opposite sign; vanish = it predicts nothing'),
    })
    .refine((b) => (b.date === undefined) !== (b.atFraction === undefined), {
      error:
        'break needs exactly one of date and atFraction; use e.g. break: { atFraction: 0.6, signal: momentum, to: flip }',
    })
    .optional()
    .describe('planted structural break of the signals (absent = none)'),
  news: z
    .strictObject({
      /** Probability that an asset gets a headline on a given business day. */
      probability: z
        .number()
        .min(0, { error: 'news.probability must be within [0, 1]; use e.g. 0.5' })
        .max(1, { error: 'news.probability must be within [0, 1]; use e.g. 0.5' })
        .default(0.5)
        .describe('probability that an asset has a headline on a business day'),
    })
    .prefault({}),
  fundamentals: z
    .strictObject({
      /** Business days from quarter end to report date: drawn uniformly in [min, max] per report. */
      reportLagMinDays: z
        .int()
        .min(1, { error: 'fundamentals.reportLagMinDays must be an integer in [1, 120]; use e.g. 20' })
        .max(120, { error: 'fundamentals.reportLagMinDays must be an integer in [1, 120]; use e.g. 20' })
        .default(20)
        .describe('shortest lag from quarter end to report date, business days'),
      reportLagMaxDays: z
        .int()
        .min(1, { error: 'fundamentals.reportLagMaxDays must be an integer in [1, 120]; use e.g. 45' })
        .max(120, { error: 'fundamentals.reportLagMaxDays must be an integer in [1, 120]; use e.g. 45' })
        .default(45)
        .describe('longest lag from quarter end to report date, business days'),
    })
    .prefault({})
    .refine((f) => f.reportLagMinDays <= f.reportLagMaxDays, {
      error: 'fundamentals.reportLagMinDays must be ≤ fundamentals.reportLagMaxDays; swap them or widen the range',
    }),
});

/**
 * Every planted signal off: `synthesizeMarket({ predictability: PREDICTABILITY_OFF })` is a market in which nothing in
 * the past predicts the conditional mean of a return (a null model for leakage and overfitting checks).
 */
export const PREDICTABILITY_OFF = Object.freeze({
  momentum: 0,
  meanReversion: 0,
  macro: 0,
  sentiment: 0,
  regimeDrift: 0,
});

/** Fully resolved parameters (every default filled in). */
export type SynthMarketParams = z.output<typeof synthMarketSchema>;
/** What a user may write (every field optional). */
export type SynthMarketInput = z.input<typeof synthMarketSchema>;

/**
 * Validate and fill defaults. Throws a config `KeelError` with one line:
 * `synthetic market: <path> <rule>, got <value>; <fix>`, e.g.
 * `synthetic market: predictability.momentum must be ≤ 0.3, got 2; use e.g. 0.03.`
 */
export function parseSynthParams(input: unknown = {}): SynthMarketParams {
  const r = synthMarketSchema.safeParse(input ?? {}, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path === '' ? 'the synthetic market' : path;
    const known = knownKeysAt(issue.path);
    const key = issue.keys[0]!;
    const guess = closest(key, known);
    throw configError(
      `synthetic market: unknown parameter "${path === '' ? key : `${path}.${key}`}" in ${where}. ${guess ? `Did you mean "${guess}"? ` : ''}Known: ${known.join(', ')}.`,
    );
  }
  const got = 'input' in issue ? `, got ${show(issue.input)}` : '';
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const kind =
      issue.expected === 'object'
        ? 'a mapping'
        : issue.expected === 'int'
          ? 'an integer'
          : issue.expected === 'array'
            ? 'a list'
            : `a ${issue.expected}`;
    throw configError(
      `synthetic market: ${path || 'parameters'} must be ${kind}${got}. See \`keel schema\` for the parameter's type and default.`,
    );
  }
  // Our messages read "<rule>; <fix>": put the value received between them.
  const cut = issue.message.indexOf('; ');
  const message =
    cut < 0
      ? `${path ? `${path}: ` : ''}${issue.message}${got}.`
      : `${issue.message.slice(0, cut)}${got}; ${issue.message.slice(cut + 2)}.`;
  throw configError(`synthetic market: ${message}`);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let shape: unknown = synthMarketSchema;
  for (const key of path) {
    const s = unwrap(shape) as { shape?: Record<string, unknown> };
    shape = s.shape?.[String(key)];
  }
  const s = unwrap(shape) as { shape?: Record<string, unknown> };
  return Object.keys(s.shape ?? {});
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { innerType?: unknown; in?: unknown; schema?: unknown }; shape?: unknown } | undefined;
  for (let i = 0; i < 10 && s && s.shape === undefined; i++) {
    const inner = s.def?.innerType ?? s.def?.in ?? s.def?.schema;
    if (inner === undefined) break;
    s = inner as typeof s;
  }
  return s;
}

/** Closest known key by edit distance (≤ 3 edits), for "did you mean". */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
