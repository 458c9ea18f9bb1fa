/**
 * The assets of the synthetic market and how each loads on the common factors. Four core assets (broad equity,
 * tech equity, long government bonds, gold) plus `stocks` single stocks spread over sectors round robin. Loadings are
 * plain typed arrays (one entry per asset) so the daily loop reads them without touching objects.
 */
import type { AssetMeta } from '../data/index.ts';
import type { Rng } from '../core/index.ts';

/** Factor order: 0 equity market, 1 tech style, 2 long bonds, 3 gold, then one factor per sector. */
export const FACTOR = { market: 0, tech: 1, bond: 2, gold: 3, firstSector: 4 } as const;

/** Base annual volatility of each common factor (before regime multipliers). */
export const FACTOR_VOL = { market: 0.15, tech: 0.12, bond: 0.11, gold: 0.15, sector: 0.1 } as const;

/** Macro-response class of an asset: which macro surprises move it and in which direction. */
export const ASSET_CLASS = { equity: 0, bond: 1, gold: 2 } as const;

export const CORE_ASSETS = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'] as const;

/** Display names used in headlines. */
const CORE_NAMES: Record<(typeof CORE_ASSETS)[number], string> = {
  EQ_BROAD: 'Broad equity index',
  EQ_TECH: 'Tech index',
  BOND_LONG: 'Long Treasuries',
  GOLD: 'Gold',
};

export interface Universe {
  readonly ids: readonly string[];
  readonly names: readonly string[];
  readonly meta: readonly AssetMeta[];
  readonly nAssets: number;
  readonly nSectors: number;
  /** Loadings (per asset): equity market, tech style, bond, gold, own sector. */
  readonly betaMarket: Float64Array;
  readonly betaTech: Float64Array;
  readonly betaBond: Float64Array;
  readonly betaGold: Float64Array;
  readonly betaSector: Float64Array;
  /** Sector factor index 0..nSectors-1, or -1 for none. */
  readonly sector: Int32Array;
  /** Idiosyncratic annual volatility (fraction). */
  readonly idioVol: Float64Array;
  /** Asset-specific annual drift (fraction), added to what the factors bring. */
  readonly drift: Float64Array;
  /** `ASSET_CLASS` code per asset. */
  readonly macroClass: Uint8Array;
  /** Typical daily volatility (fraction) implied by the loadings at regime multiplier 1: the unit of planted signals. */
  readonly dailyVol: Float64Array;
  /** First close price and typical daily volume (shares). */
  readonly initialPrice: Float64Array;
  readonly baseVolume: Float64Array;
  /** Starting valuation for fundamentals (NaN for assets without company reports). */
  readonly initialPe: Float64Array;
  readonly initialPb: Float64Array;
}

/** Builds the asset list and draws stock loadings from `rng` (use a dedicated fork). */
export function buildUniverse(nStocks: number, sectors: readonly string[], rng: Rng): Universe {
  const n = CORE_ASSETS.length + nStocks;
  const u = {
    betaMarket: new Float64Array(n),
    betaTech: new Float64Array(n),
    betaBond: new Float64Array(n),
    betaGold: new Float64Array(n),
    betaSector: new Float64Array(n),
    sector: new Int32Array(n).fill(-1),
    idioVol: new Float64Array(n),
    drift: new Float64Array(n),
    macroClass: new Uint8Array(n),
    dailyVol: new Float64Array(n),
    initialPrice: new Float64Array(n),
    baseVolume: new Float64Array(n),
    initialPe: new Float64Array(n).fill(Number.NaN),
    initialPb: new Float64Array(n).fill(Number.NaN),
  };
  const ids: string[] = [...CORE_ASSETS];
  const names: string[] = CORE_ASSETS.map((id) => CORE_NAMES[id]);
  const meta: AssetMeta[] = [
    { id: 'EQ_BROAD', assetClass: 'equity', sector: 'Broad market', currency: 'USD' },
    { id: 'EQ_TECH', assetClass: 'equity', sector: 'Technology', currency: 'USD' },
    { id: 'BOND_LONG', assetClass: 'bond', sector: 'Government', currency: 'USD' },
    { id: 'GOLD', assetClass: 'commodity', sector: 'Precious metals', currency: 'USD' },
  ];
  // EQ_BROAD: the market factor itself plus a sliver of tracking noise.
  set(u, 0, {
    betaMarket: 1,
    idioVol: 0.02,
    drift: 0,
    macroClass: ASSET_CLASS.equity,
    price: 1800,
    volume: 8e7,
    pe: 18,
    pb: 2.8,
  });
  set(u, 1, {
    betaMarket: 1.1,
    betaTech: 1,
    idioVol: 0.03,
    drift: 0.02,
    macroClass: ASSET_CLASS.equity,
    price: 3500,
    volume: 4e7,
    pe: 26,
    pb: 5.5,
  });
  set(u, 2, { betaBond: 1, idioVol: 0.01, drift: 0.03, macroClass: ASSET_CLASS.bond, price: 100, volume: 1e7 });
  set(u, 3, { betaGold: 1, idioVol: 0.02, drift: 0.03, macroClass: ASSET_CLASS.gold, price: 1250, volume: 6e6 });

  const techSector = sectors.indexOf('Technology');
  for (let j = 0; j < nStocks; j++) {
    const a = CORE_ASSETS.length + j;
    const id = `STK${String(j + 1).padStart(3, '0')}`;
    const s = j % sectors.length;
    ids.push(id);
    names.push(id);
    meta.push({ id, assetClass: 'equity', sector: sectors[s]!, currency: 'USD' });
    set(u, a, {
      betaMarket: 0.7 + 0.6 * rng.uniform(),
      betaTech: s === techSector ? 0.5 + 0.5 * rng.uniform() : 0,
      betaSector: 0.6 + 0.6 * rng.uniform(),
      sector: s,
      idioVol: 0.15 + 0.2 * rng.uniform(),
      drift: -0.02 + 0.06 * rng.uniform(),
      macroClass: ASSET_CLASS.equity,
      price: 20 * Math.exp(Math.log(10) * rng.uniform()), // 20–200, log-uniform
      volume: 1e5 * Math.exp(Math.log(50) * rng.uniform()), // 0.1–5 million shares
      pe: 12 + 23 * rng.uniform(),
      pb: 1.2 + 4.8 * rng.uniform(),
    });
  }
  for (let a = 0; a < n; a++) {
    const annualVar =
      (u.betaMarket[a]! * FACTOR_VOL.market) ** 2 +
      (u.betaTech[a]! * FACTOR_VOL.tech) ** 2 +
      (u.betaBond[a]! * FACTOR_VOL.bond) ** 2 +
      (u.betaGold[a]! * FACTOR_VOL.gold) ** 2 +
      (u.betaSector[a]! * FACTOR_VOL.sector) ** 2 +
      u.idioVol[a]! ** 2;
    u.dailyVol[a] = Math.sqrt(annualVar / 252);
  }
  return { ids, names, meta, nAssets: n, nSectors: sectors.length, ...u };
}

interface AssetSpec {
  betaMarket?: number;
  betaTech?: number;
  betaBond?: number;
  betaGold?: number;
  betaSector?: number;
  sector?: number;
  idioVol: number;
  drift: number;
  macroClass: number;
  price: number;
  volume: number;
  pe?: number;
  pb?: number;
}

function set(u: Omit<Universe, 'ids' | 'names' | 'meta' | 'nAssets' | 'nSectors'>, a: number, s: AssetSpec): void {
  u.betaMarket[a] = s.betaMarket ?? 0;
  u.betaTech[a] = s.betaTech ?? 0;
  u.betaBond[a] = s.betaBond ?? 0;
  u.betaGold[a] = s.betaGold ?? 0;
  u.betaSector[a] = s.betaSector ?? 0;
  u.sector[a] = s.sector ?? -1;
  u.idioVol[a] = s.idioVol;
  u.drift[a] = s.drift;
  u.macroClass[a] = s.macroClass;
  u.initialPrice[a] = s.price;
  u.baseVolume[a] = s.volume;
  u.initialPe[a] = s.pe ?? Number.NaN;
  u.initialPb[a] = s.pb ?? Number.NaN;
}
