/**
 * Step `data`: load the market (synthetic or file), keep the study's universe and date range, apply the
 * missing-data policy (every fix goes to log.txt), and hash the inputs (file bytes, or the generated data's bytes).
 */
import { isAbsolute, resolve } from 'node:path';
import { configError } from '../../core/index.ts';
import { sha256File, sha256Hex } from '../../io/index.ts';
import type { PanelLike, StudyStep } from '../context.ts';
import {
  applyMissingDataPolicy,
  loadFrenchReturns,
  loadMarketFile,
  synthesizeMarketFor,
  type LoadedMarket,
} from '../doors.ts';

/** sha256 over a panel's dates, assets and every field's float64 bytes (fields in name order). */
export function panelHash(panel: PanelLike): string {
  const parts: (string | Uint8Array)[] = [panel.dates.join(','), '|', panel.assets.join(','), '|'];
  for (const f of [...panel.fieldNames].sort()) {
    const v = panel.field(f);
    parts.push(f, ':', new Uint8Array(v.buffer, v.byteOffset, v.byteLength), '|');
  }
  const total = parts.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.length), 0);
  const buf = Buffer.alloc(total);
  let o = 0;
  for (const p of parts) o += typeof p === 'string' ? buf.write(p, o) : (buf.set(p, o), p.length);
  return sha256Hex(buf);
}

function selectRange(panel: PanelLike, start: string | undefined, end: string | undefined): PanelLike {
  if (start === undefined && end === undefined) return panel;
  let lo = 0;
  let hi = panel.nDates;
  while (lo < panel.nDates && start !== undefined && panel.dates[lo]! < start) lo++;
  while (hi > lo && end !== undefined && panel.dates[hi - 1]! > end) hi--;
  if (hi <= lo) {
    throw configError(
      `data.start/data.end (${start ?? '…'} to ${end ?? '…'}) select no dates; the data runs from ${panel.dates[0]} to ${panel.dates[panel.nDates - 1]}`,
    );
  }
  return panel.sliceRows(lo, hi);
}

export const loadDataStep: StudyStep = {
  name: 'data',
  sections: ['data'],
  applies: () => true,
  async run(ctx) {
    const spec = ctx.study.data;
    ctx.progress(0, 3, 'loading');
    let market: LoadedMarket;
    if (spec.source === 'synthetic') {
      // The master seed itself, so the market equals `keel data synth --seed <seed>`.
      const seed = ctx.recordSeed('data.synthetic', ctx.study.seed);
      market = synthesizeMarketFor(spec, seed);
      ctx.log(`data: synthetic market, seed ${seed}, ${market.panel.nDates} dates × ${market.panel.nAssets} assets`);
    } else if (spec.source === 'french') {
      const at = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.baseDir, p));
      ctx.state.dataHashes[`file:${spec.path}`] = sha256File(at(spec.path));
      if (spec.factors) ctx.state.dataHashes[`file:${spec.factors.path}`] = sha256File(at(spec.factors.path));
      market = loadFrenchReturns(spec, at);
      ctx.log(
        `data: Kenneth French ${spec.path} (${spec.section}), ${market.panel.nDates} dates × ${market.panel.nAssets} assets`,
      );
    } else {
      const path = isAbsolute(spec.path) ? spec.path : resolve(ctx.baseDir, spec.path);
      // Hash the exact bytes read, so the run records which file version it used.
      ctx.state.dataHashes[`file:${spec.path}`] = sha256File(path);
      market = await loadMarketFile(spec, path);
      ctx.log(`data: ${spec.source} ${spec.path}, ${market.panel.nDates} dates × ${market.panel.nAssets} assets`);
    }
    ctx.progress(1, 3, 'selecting');
    let panel = market.panel;
    if (market.prepared) {
      for (const line of market.prepared.lines) ctx.log(line);
      ctx.report(...market.prepared.findings);
    } else {
      if (spec.universe !== undefined) {
        const missing = spec.universe.filter((id) => !panel.assets.includes(id));
        if (missing.length > 0) {
          throw configError(
            `data.universe names ${missing.map((m) => `"${m}"`).join(', ')}, not in the data; available: ${panel.assets.slice(0, 12).join(', ')}${panel.nAssets > 12 ? ', …' : ''}`,
          );
        }
        panel = panel.selectAssets(spec.universe);
      }
      panel = selectRange(panel, spec.start, spec.end);
      ctx.progress(2, 3, 'missing data');
      const result = applyMissingDataPolicy(panel, spec.missing);
      for (const line of result.lines) ctx.log(line);
      ctx.report(...result.findings);
      panel = result.panel;
    }
    const fixed = { panel };
    ctx.state.panel = fixed.panel;
    if (market.records !== undefined) ctx.state.records = market.records;
    if (market.truth !== undefined) ctx.artefacts.writeJson('truth.json', market.truth);
    ctx.state.dataHashes['generated:panel'] = panelHash(fixed.panel);
    ctx.state.summary['data'] = {
      source: spec.source,
      dates: fixed.panel.nDates,
      assets: fixed.panel.nAssets,
      first: fixed.panel.dates[0],
      last: fixed.panel.dates[fixed.panel.nDates - 1],
    };
    ctx.progress(3, 3);
  },
};
