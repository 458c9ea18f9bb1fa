/**
 * Issue 12's monitoring goals, measured through the real study path (runStudy) on examples/explain-and-monitor.yaml:
 *   break     the example (baselines: []) — detection delay = business days from the planted break to the first
 *             firing of a retrain detector (retrain.drift: cusum, bocpd by default) on or after it;
 *   no-break  the same study without the break — firings per detector over the 5-year backtest (false alarms);
 *   fixed     (with --fixed) the break market without a monitor — post-break IC of fixed 126-bar refits.
 * Post-break IC = mean rebalance IC over the 52 weekly rebalances from the break. Run folders go to a temp folder.
 *   node bin/run-ts.mjs scripts/monitor-goals.ts [--seeds 1-5] [--fixed] [--set path=value ...]
 * `--set monitor.settings.cusum.h=7` edits the study before it runs (numbers are parsed as JSON).
 * `--alerts` also walks the no-break study as `keel monitor` does and counts the weekly decisions at which it would
 * exit 3 (any detector in alert), with the detectors in alert: what a weekly cron job on these settings sees.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorSchema, parseStudyText } from '../src/config/index.ts';
import { inferPeriodsPerYear, runBacktest } from '../src/backtest/index.ts';
import type { MonitorHealth, MonitorSpec } from '../src/monitor/index.ts';
import { backtestOptionsFrom, createStrategy, type StrategySpec } from '../src/strategies/index.ts';
import { loadUnpreparedMarket, runStudy } from '../src/study/index.ts';

const args = process.argv.slice(2);
const seedArg = args[args.indexOf('--seeds') + 1] ?? '1-5';
const [lo, hi] = seedArg.includes('-') ? seedArg.split('-').map(Number) : [Number(seedArg), Number(seedArg)];
const seeds = Array.from({ length: hi! - lo! + 1 }, (_, i) => lo! + i);
const withFixed = args.includes('--fixed');
const withAlerts = args.includes('--alerts');
const sets = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));

const file = 'examples/explain-and-monitor.yaml';
const base = parseStudyText(readFileSync(file, 'utf8'), file) as Record<string, any>;
for (const s of sets) {
  const [path, raw] = s.split('=') as [string, string];
  const keys = path.split('.');
  let o = base;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)!] = JSON.parse(raw);
}
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const out = mkdtempSync(join(tmpdir(), 'keel-monitor-goals-'));

interface Ev {
  date: string;
  actedOn: string;
  detector: string;
  action: string;
}
async function run(study: Record<string, any>, seed: number) {
  const r = await runStudy(study, { seed, outDir: out });
  const events = study['monitor'] ? (JSON.parse(readFileSync(join(r.path, 'events.json'), 'utf8')) as Ev[]) : [];
  const truth = JSON.parse(readFileSync(join(r.path, 'truth.json'), 'utf8')) as { break?: { date: string } };
  const report = JSON.parse(readFileSync(join(r.path, 'report.json'), 'utf8'));
  const ic = report.sections[0].ic[0] as { dates: string[]; ic: number[] };
  return { events, brk: truth.break?.date, ic };
}
const bdays = (a: string, b: string): number => {
  let n = 0;
  for (let d = new Date(a + 'T00:00:00Z'); d < new Date(b + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + 1))
    if (d.getUTCDay() % 6 !== 0) n++;
  return n;
};
const postIc = (ic: { dates: string[]; ic: number[] }, from: string): number => {
  const i = ic.dates.findIndex((d) => d >= from);
  const v = ic.ic.slice(i, i + 52).filter(Number.isFinite);
  return v.reduce((a, b) => a + b, 0) / v.length;
};

/** Decisions of the study's first ML strategy, and how many of them `keel monitor` would exit 3 at (per detector). */
async function alertWeeks(raw: Record<string, any>, seed: number) {
  const study = parseStudyText(JSON.stringify({ ...raw, seed }), 'study.json');
  const { panel, records } = await loadUnpreparedMarket(study.data, study.seed, (p) => p);
  const { strategies: _s, ...spec } = study.monitor ?? monitorSchema.parse({});
  const options = backtestOptionsFrom(study.backtest);
  const s = (study.strategies as unknown as StrategySpec[]).find((x) => x.kind === 'ml-forecast')!;
  const strategy = createStrategy(s, {
    seed: study.seed,
    name: s.name ?? s.kind,
    ...(records === undefined ? {} : { records }),
    periodsPerYear: options.periodsPerYear ?? inferPeriodsPerYear(panel.dates),
    monitor: spec as MonitorSpec,
  } as never);
  const r = runBacktest(panel, strategy, { ...options, seed: study.seed });
  const per: Record<string, number> = {};
  let any = 0;
  for (const d of r.decisions) {
    const h = (d.diagnostics?.['monitor'] as { health?: MonitorHealth } | undefined)?.health ?? {};
    const on = Object.entries(h).filter(([, v]) => v?.drifted);
    if (on.length > 0) any++;
    for (const [k] of on) per[k] = (per[k] ?? 0) + 1;
  }
  return `weeks in alert ${any}/${r.decisions.length} ${JSON.stringify(per)}`;
}

const drift: string[] = base.monitor?.retrain?.drift ?? ['cusum', 'bocpd'];
const rows: string[] = [];
for (const seed of seeds) {
  const brk = clone(base);
  brk.baselines = [];
  const nob = clone(brk);
  delete nob.data.market.break;
  const a = await run(brk, seed);
  const c = await run(nob, seed);
  const first = a.events.find((e) => drift.includes(e.detector) && e.date >= a.brk!);
  const before = a.events.filter((e) => drift.includes(e.detector) && e.date < a.brk!).length;
  const per: Record<string, number> = {};
  for (const e of c.events) per[e.detector] = (per[e.detector] ?? 0) + 1;
  let fixedIc = NaN;
  if (withFixed) {
    const f = clone(brk);
    delete f.monitor;
    fixedIc = postIc((await run(f, seed)).ic, a.brk!);
  }
  const alerts = withAlerts ? await alertWeeks(nob, seed) : '';
  const line = [
    `seed ${seed}`,
    `break ${a.brk}`,
    `delay ${first ? bdays(a.brk!, first.date) : 'none'} (${first?.detector ?? '-'}; ${drift
      .map((d) => {
        const e = a.events.find((x) => x.detector === d && x.date >= a.brk!);
        return `${d} ${e ? bdays(a.brk!, e.date) : 'none'}`;
      })
      .join(', ')})`,
    `retrain-detector firings before break ${before}`,
    `no-break firings ${JSON.stringify(per)} (retrain detectors: ${drift.reduce((s, d) => s + (per[d] ?? 0), 0)}; distinct retrain decisions ${new Set(c.events.filter((e) => e.action.startsWith('retrain')).map((e) => e.actedOn)).size}: ${c.events
      .filter((e) => drift.includes(e.detector))
      .map((e) => `${e.date} ${e.detector}`)
      .join(', ')})`,
    `post-break IC monitor ${postIc(a.ic, a.brk!).toFixed(3)}${withFixed ? ` fixed ${fixedIc.toFixed(3)}` : ''}`,
    ...(withAlerts ? [`no-break ${alerts}`] : []),
  ].join(' | ');
  rows.push(line);
  console.log(line);
}
rmSync(out, { recursive: true, force: true });
