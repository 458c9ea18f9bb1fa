/**
 * A plan from an orders file (`keel trade plan STUDY --as-of DATE --orders FILE`): a JSON array of
 * `{ asset, side, quantity, limitPrice? }` checked against the study's universe and prices before anything is
 * written — an unknown asset, a quantity ≤ 0 or a price ≤ 0 is one line naming the order and the fix.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { canonicalJson } from '../io/index.ts';
import { dataError, usageError } from '../core/index.ts';
import { planHash, type PlanBody, type PlannedOrder } from './ledger.ts';
import type { TradeLedger } from './ledger.ts';
import { carriedCloses, holdings, navAt } from './plan.ts';
import type { TradingStudy } from './study-source.ts';

const orderSchema = z.strictObject({
  asset: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  limitPrice: z.number().optional(),
});

export function manualPlan(
  ts: TradingStudy,
  ledger: TradeLedger,
  id: string,
  asOf: number,
  file: string,
): { body: PlanBody; hash: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw usageError(
      `--orders ${file}: cannot read it as JSON (${(e as Error).message.split('\n')[0]}); give a JSON array of { asset, side, quantity }`,
    );
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw dataError(`--orders ${file}: expected a non-empty JSON array of { asset, side, quantity, limitPrice? }`);
  const { px, dates } = carriedCloses(ts, asOf);
  const assets = ts.panel.assets;
  const orders: PlannedOrder[] = raw.map((o, i) => {
    const r = orderSchema.safeParse(o);
    if (!r.success) {
      const is = r.error.issues[0]!;
      throw dataError(
        `--orders ${file}: order ${i + 1}${is.path.length ? `.${is.path.join('.')}` : ''}: ${is.message}; each order is { asset, side: buy|sell, quantity > 0, limitPrice? > 0 }`,
      );
    }
    const { asset, side, quantity, limitPrice } = r.data;
    const a = assets.indexOf(asset);
    if (a < 0)
      throw dataError(
        `--orders ${file}: order ${i + 1} names unknown asset "${asset}"; the study's assets are ${assets.slice(0, 12).join(', ')}`,
      );
    if (!(quantity > 0) || !Number.isFinite(quantity))
      throw dataError(
        `--orders ${file}: order ${i + 1} (${asset}) has quantity ${quantity}; quantities must be > 0 (the side gives buy or sell)`,
      );
    if (limitPrice !== undefined && !(limitPrice > 0))
      throw dataError(`--orders ${file}: order ${i + 1} (${asset}) has limit price ${limitPrice}; prices must be > 0`);
    const p = px[a]!;
    if (!(p > 0))
      throw dataError(
        `--orders ${file}: order ${i + 1} (${asset}) has no price > 0 on or before ${ts.panel.dates[asOf]} (got ${p}); fix the data or choose another date`,
      );
    return {
      clientOrderId: `${id}-${i + 1}-${asset}`,
      asset,
      side,
      quantity,
      type: limitPrice === undefined ? ('market' as const) : ('limit' as const),
      timeInForce: 'day' as const,
      ...(limitPrice === undefined ? {} : { limitPrice }),
      price: limitPrice ?? p,
      reason: `manual order ${i + 1} from ${file}`,
    };
  });
  const q = holdings(ts, ledger);
  const nav = navAt(q, px, ledger.cash());
  const body: PlanBody = {
    id,
    study: ts.path,
    strategy: 'manual',
    asOf: ts.panel.dates[asOf]!,
    priceDate: ts.panel.dates[asOf]!,
    assets,
    prices: Array.from(px),
    targets: [],
    traded: [],
    nav,
    reason: `manual orders from ${file}`,
    orders,
    findings: [],
    lastPriceDates: dates,
  };
  const stored = JSON.parse(canonicalJson(body)) as PlanBody;
  return { body: stored, hash: planHash(stored) };
}
