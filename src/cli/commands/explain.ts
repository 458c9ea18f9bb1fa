/**
 * `keel explain RUN --strategy S [--date D] [--asset A] [--why-weights] [--json]`: reads RUN/explanations.json
 * (written by `keel run` for every ml-forecast strategy) and prints why the model forecast what it did at one
 * decision — each asset's forecast as base + its top SHAP contributions — or, with --why-weights, each asset's
 * weight change since the previous rebalance split into drift, forecasts, risk model and constraints.
 *
 *   keel explain runs/<id> --strategy core-forest
 *   keel explain runs/<id> --strategy core-forest --date 2020-03-31 --asset EQ_TECH
 *   keel explain runs/<id> --strategy core-linear --why-weights
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ioError, usageError } from '../../core/index.ts';
import { globalImportance, recordOutput } from '../../explain/index.ts';
import { weightChangeAt, type ExplainedStrategy, type ExplanationsArtefact } from '../../report/index.ts';

interface Options {
  strategy?: string;
  date?: string;
  asset?: string;
  whyWeights?: boolean;
  distill?: boolean;
  json?: boolean;
}

export function explainCommand(): Command {
  return new Command('explain')
    .description("explain a run's ML forecasts (SHAP) and weight changes, from RUN/explanations.json")
    .argument('<run>', 'run folder written by keel run (runs/<id>)')
    .option('--strategy <name>', 'ML strategy to explain (optional when the run has one)')
    .option('--date <YYYY-MM-DD>', 'the decision on or before this date (default: the last decision)')
    .option('--asset <id>', 'one asset: its full waterfall')
    .option(
      '--why-weights',
      'split each weight change since the previous rebalance into drift, forecasts, risk, constraints',
    )
    .option('--distill', 'the model in force at the decision distilled into a depth-3 tree: fidelity R² and rules')
    .option('--json', 'print JSON')
    .action((run: string, opts: Options) => {
      const art = readArtefact(run);
      const [name, s] = pickStrategy(art, opts.strategy, run);
      const k = pickDecision(s, opts.date, name);
      const assets = opts.asset === undefined ? s.universe : [pickAsset(s, opts.asset, name)];
      if (s.explained === false && !opts.whyWeights)
        throw usageError(
          `strategy ${name} ran with explain: false, so the run stored no SHAP records or distilled trees; rerun the study without explain: false (--why-weights works without them).`,
        );
      const out = opts.distill
        ? distillView(name, s, k)
        : opts.whyWeights
          ? whyWeightsView(name, s, k, assets)
          : forecastView(name, s, k, assets);
      process.stdout.write(opts.json ? `${JSON.stringify(out.json, null, 2)}\n` : `${out.lines.join('\n')}\n`);
    });
}

function readArtefact(run: string): ExplanationsArtefact {
  if (!existsSync(run) || !statSync(run).isDirectory())
    throw usageError(`run folder ${run} does not exist; pass the folder keel run printed (runs/<id>).`);
  const file = join(run, 'explanations.json');
  if (!existsSync(file))
    throw usageError(
      `${run} has no explanations.json: only runs of studies with ml-forecast strategies write it; rerun the study with this version of keel.`,
    );
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as ExplanationsArtefact;
    if (j.v !== 1 || typeof j.strategies !== 'object') throw new Error(`version ${String(j.v)}`);
    return j;
  } catch (e) {
    throw ioError(
      `${file} is not a Keel explanations file (${e instanceof Error ? e.message : String(e)}); rerun the study.`,
    );
  }
}

function pickStrategy(art: ExplanationsArtefact, wanted: string | undefined, run: string): [string, ExplainedStrategy] {
  const names = Object.keys(art.strategies);
  if (names.length === 0) throw usageError(`${run} has no ML strategy decisions to explain.`);
  if (wanted === undefined) {
    if (names.length === 1) return [names[0]!, art.strategies[names[0]!]!];
    throw usageError(`--strategy is required: this run has ${names.length} ML strategies (${names.join(', ')}).`);
  }
  const s = art.strategies[wanted];
  if (!s)
    throw usageError(`--strategy ${wanted} is not an ML strategy of this run; choose one of ${names.join(', ')}.`);
  if (s.decisions.length === 0)
    throw usageError(`strategy ${wanted} made no decision with a fitted model (still warming up).`);
  return [wanted, s];
}

function pickDecision(s: ExplainedStrategy, date: string | undefined, name: string): number {
  if (date === undefined) return s.decisions.length - 1;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw usageError(`--date expects YYYY-MM-DD, got "${date}".`);
  let k = -1;
  s.decisions.forEach((d, i) => {
    if (d.date <= date) k = i;
  });
  if (k < 0)
    throw usageError(
      `--date ${date} is before ${name}'s first decision with a model (${s.decisions[0]!.date}); pass a later date.`,
    );
  return k;
}

function pickAsset(s: ExplainedStrategy, asset: string, name: string): string {
  if (!s.universe.includes(asset))
    throw usageError(`--asset ${asset} is not in ${name}'s universe (${s.universe.join(', ')}).`);
  return asset;
}

const sig = (x: number): string => (x >= 0 ? '+' : '−') + Math.abs(x).toPrecision(3);
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

function forecastView(name: string, s: ExplainedStrategy, k: number, assets: readonly string[]) {
  const d = s.decisions[k]!;
  const rec = d.explain;
  const lines: string[] = [];
  const records = s.decisions.flatMap((x) => (x.explain ? [x.explain] : []));
  const g = globalImportance(records, s.featureNames.length);
  const topGlobal = g
    .map((v, j) => [j, v] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 10);
  lines.push(`${name}: ${s.model} forecasts, ${s.featureNames.length} features, ${records.length} explained decisions`);
  lines.push(`global importance (mean |SHAP| over every asset and decision, forecast units):`);
  for (const [j, v] of topGlobal) lines.push(`  ${s.featureNames[j]!.padEnd(28)} ${v.toPrecision(3)}`);
  if (!rec) {
    lines.push(`decision ${d.date}: no explanation stored (no asset had a complete feature row).`);
    return { lines, json: { strategy: name, date: d.date, global: topGlobal, assets: [] } };
  }
  lines.push(
    `decision ${d.date} (model fitted ${d.fitDate}; SHAP ${rec.method}${rec.maxStandardError !== undefined ? `, largest standard error ${rec.maxStandardError.toPrecision(2)}` : ''}):`,
  );
  const rows: unknown[] = [];
  for (const id of assets) {
    const i = rec.rows.indexOf(id);
    if (i < 0) {
      lines.push(`  ${id}: no forecast (a feature was missing on this date)`);
      continue;
    }
    const out = recordOutput(rec, i);
    const a = s.universe.indexOf(id);
    const top = rec.top[i]!.map(([j, v]) => ({ feature: s.featureNames[j]!, value: v }));
    rows.push({
      asset: id,
      model: out,
      forecast: d.forecast[a],
      base: rec.base[i],
      top,
      rest: rec.rest[i],
      weight: d.target[a],
    });
    if (assets.length === 1) {
      lines.push(
        `  ${id}: model output ${out.toPrecision(4)} (forecast ${fmt(d.forecast[a])}, weight ${pct(d.target[a]!)})`,
      );
      lines.push(`    base (expected output)        ${rec.base[i]!.toPrecision(4)}`);
      let run = rec.base[i]!;
      const scale = Math.max(...top.map((t) => Math.abs(t.value)), Math.abs(rec.rest[i]!), 1e-300);
      for (const t of [
        ...top,
        { feature: `${s.featureNames.length - top.length} other features`, value: rec.rest[i]! },
      ]) {
        run += t.value;
        const bar = (t.value >= 0 ? '+' : '-').repeat(Math.max(1, Math.round((20 * Math.abs(t.value)) / scale)));
        lines.push(
          `    ${t.feature.padEnd(30)}${sig(t.value).padStart(10)}  → ${run.toPrecision(4).padStart(10)}  ${bar}`,
        );
      }
    } else {
      const parts = top.map((t) => `${t.feature} ${sig(t.value)}`).join(', ');
      lines.push(
        `  ${id.padEnd(10)} ${out.toPrecision(3).padStart(10)} = base ${rec.base[i]!.toPrecision(3)} ${parts}, rest ${sig(rec.rest[i]!)}`,
      );
    }
  }
  return {
    lines,
    json: {
      strategy: name,
      date: d.date,
      fitDate: d.fitDate,
      method: rec.method,
      global: topGlobal.map(([j, v]) => ({ feature: s.featureNames[j], meanAbsShap: v })),
      assets: rows,
    },
  };
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? 'none' : x.toPrecision(4));

function whyWeightsView(name: string, s: ExplainedStrategy, k: number, assets: readonly string[]) {
  if (k === 0)
    throw usageError(
      `--why-weights compares a decision with the one before it, and ${s.decisions[0]!.date} is ${name}'s first; pass a later --date.`,
    );
  const { change: r, meaning, binding, shadow, recomputeDifference: drift, from, to } = weightChangeAt(s, k);
  const prev = { date: from };
  const cur = { date: to };
  const caps = `maxWeight ${s.portfolio.maxWeight}${s.portfolio.sectorCap !== undefined ? ` and sectorCap ${s.portfolio.sectorCap}` : ''}`;
  const lines = [
    `${name}: ${s.portfolio.method} weight changes ${prev.date} → ${cur.date}, Shapley over the input changes (${r.solves} recomputations)`,
    `  drift = ${meaning.drift};`,
    `  forecasts = ${meaning.forecasts}; risk = ${meaning.risk};`,
    `  constraints = what ${caps} changed (relaxed recomputation without them). Parts sum to Δw within ${r.maxResidual.toExponential(1)}.`,
    ...(meaning.zeroByConstruction.length > 0
      ? [`  ${meaning.zeroByConstruction.join(', ')}: 0 by construction (the method does not read that input).`]
      : []),
    `  ${'asset'.padEnd(10)}${['before', 'after', 'Δw', 'drift', 'forecasts', 'risk', 'constraints'].map((h) => h.padStart(12)).join('')}`,
  ];
  const rows: unknown[] = [];
  for (const id of assets) {
    const a = s.universe.indexOf(id);
    const vals = [
      r.before[a]!,
      r.after[a]!,
      r.deltaW[a]!,
      r.parts.drift[a]!,
      r.parts.forecasts[a]!,
      r.parts.risk[a]!,
      r.parts.constraints[a]!,
    ];
    lines.push(`  ${id.padEnd(10)}${vals.map((v) => pct(v).padStart(12)).join('')}`);
    rows.push({
      asset: id,
      before: vals[0],
      after: vals[1],
      deltaW: vals[2],
      drift: vals[3],
      forecasts: vals[4],
      risk: vals[5],
      constraints: vals[6],
    });
  }
  lines.push(`  binding at ${cur.date}: ${binding.length ? binding.join('; ') : 'no weight or sector cap'}`);
  if (shadow.available) {
    lines.push(
      `  shadow prices at ${cur.date} (∂ optimal objective / ∂ limit, annualised return units; ${shadow.source}):`,
      `    ${'constraint'.padEnd(28)}${'limit'.padStart(10)}${'multiplier'.padStart(14)}  asset(s)`,
    );
    for (const p of shadow.prices)
      lines.push(
        `    ${p.constraint.padEnd(28)}${p.limit.toPrecision(4).padStart(10)}${p.value.toExponential(4).padStart(14)}  ${p.assets.join(', ') || '—'}`,
      );
  } else lines.push(`  shadow prices: none — ${shadow.reason}.`);
  lines.push(
    `  recomputed targets match the run's within ${drift.toExponential(1)} (larger means the stored inputs do not reproduce the run).`,
  );
  return {
    lines,
    json: {
      strategy: name,
      method: s.portfolio.method,
      from: prev.date,
      to: cur.date,
      attribution: r.method,
      maxResidual: r.maxResidual,
      recomputeDifference: drift,
      zeroByConstruction: meaning.zeroByConstruction,
      binding,
      shadowPrices: shadow.available ? shadow.prices : null,
      ...(shadow.available ? { shadowPriceSource: shadow.source } : {}),
      ...(shadow.available ? {} : { shadowPricesUnavailable: shadow.reason }),
      assets: rows,
    },
  };
}

function distillView(name: string, s: ExplainedStrategy, k: number) {
  let q = k;
  while (q >= 0 && !s.decisions[q]!.distill) q--;
  const d = q >= 0 ? s.decisions[q]!.distill : undefined;
  if (!d)
    throw usageError(
      `${name} has no distillation at or before ${s.decisions[k]!.date} (only regression models are distilled, at their refits).`,
    );
  const lines = [
    `${name}: the ${s.model} fitted ${s.decisions[q]!.fitDate} distilled into a depth-3 tree on its ${d.n} training rows`,
    `  fidelity R² to the model's forecasts: ${d.fidelity.toFixed(3)}`,
    ...d.rules.map((r) => `  ${r}`),
  ];
  return { lines, json: { strategy: name, fitDate: s.decisions[q]!.fitDate, ...d } };
}
