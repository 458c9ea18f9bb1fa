/**
 * Test support for the DQN / env tests: the four core assets of a synthetic market, and the discrete allocations
 * the rl-agent examples started from (1/N, then 55 % in one asset and 15 % in each other).
 */
import { CORE_ASSETS, synthesizeMarket } from '../synth/index.ts';
import type { Panel } from '../data/index.ts';

export const CORE: string[] = [...CORE_ASSETS];

export function corePanel(seed: number, start: string, years: number): Panel {
  return synthesizeMarket({ seed, start, years, stocks: 0 }).panel.selectAssets(CORE);
}

export const coreTilts: number[][] = [
  [0.25, 0.25, 0.25, 0.25],
  [0.55, 0.15, 0.15, 0.15],
  [0.15, 0.55, 0.15, 0.15],
  [0.15, 0.15, 0.55, 0.15],
  [0.15, 0.15, 0.15, 0.55],
];
