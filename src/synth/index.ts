/**
 * synth: Keel's embedded synthetic market — seeded daily multi-asset prices with regimes, fat tails, volatility
 * clustering and planted, switchable predictability, plus point-in-time macro releases, headlines and company reports,
 * and the ground truth that generated them.
 */
export { synthesizeMarket } from './market.ts';
export type { SyntheticMarket, SyntheticTruth } from './market.ts';
export { synthMarketSchema, parseSynthParams, REGIME_NAMES, DEFAULT_SECTORS, PREDICTABILITY_OFF } from './params.ts';
export type { SynthMarketParams, SynthMarketInput, RegimeName } from './params.ts';
export { marketToCsv, PANEL_FIELDS } from './serialize.ts';
export { scoreHeadline, HEADLINE_LEXICON, TONE_SD } from './news.ts';
export { MACRO_LOADINGS, SURPRISE_SERIES, REVISION_LAG_DAYS } from './macro.ts';
export { regimeTransitionMatrix, stationaryRegimeShares, REGIME_DESTINATIONS } from './regimes.ts';
export { CORE_ASSETS } from './universe.ts';
export { plantedExpectation, plantedComponents } from './expected.ts';
export type { PlantedExpectation, PlantedComponent } from './expected.ts';
export { syntheticRecordsOf } from './records.ts';
export type { SyntheticRecords } from './records.ts';
