import { describe, expect, it } from 'vitest';
import {
  fundamentalsAsOf,
  headlinesAsOf,
  latestFundamental,
  latestMacroValue,
  macroAsOf,
  type FundamentalReport,
  type Headline,
  type MacroObservation,
} from './pit-records.ts';

const obs: MacroObservation[] = [
  { series: 'inflation', refDate: '2020-01-01', releaseDate: '2020-02-14', value: 2.0, vintage: 1 },
  { series: 'inflation', refDate: '2020-01-01', releaseDate: '2020-03-16', value: 2.1, vintage: 2 },
  { series: 'inflation', refDate: '2020-02-01', releaseDate: '2020-03-13', value: 2.3, vintage: 1 },
  { series: 'gdp_growth', refDate: '2020-01-01', releaseDate: '2020-04-29', value: -4.8, vintage: 1 },
];

describe('macroAsOf', () => {
  it('shows nothing before the first release date, even though the reference period has passed', () => {
    expect(macroAsOf(obs, '2020-02-13')).toEqual([]);
  });
  it('shows the first release on its release date and the revision only once the revision is out', () => {
    expect(macroAsOf(obs, '2020-02-14').map((o) => o.value)).toEqual([2.0]);
    expect(macroAsOf(obs, '2020-03-13').map((o) => [o.refDate, o.value])).toEqual([
      ['2020-01-01', 2.0],
      ['2020-02-01', 2.3],
    ]);
    expect(macroAsOf(obs, '2020-03-16').map((o) => o.value)).toEqual([2.1, 2.3]);
  });
  it('does not mutate its input', () => {
    const before = JSON.stringify(obs);
    macroAsOf(obs, '2021-01-01');
    expect(JSON.stringify(obs)).toBe(before);
  });
});

describe('latestMacroValue', () => {
  it('returns the latest reference period released, in its latest vintage', () => {
    expect(latestMacroValue(obs, 'inflation', '2020-03-13')?.refDate).toBe('2020-02-01');
    expect(latestMacroValue(obs, 'inflation', '2020-03-12')?.value).toBe(2.0);
    expect(latestMacroValue(obs, 'gdp_growth', '2020-04-28')).toBeUndefined();
  });
});

describe('headlines and fundamentals as of a date', () => {
  const hs: Headline[] = [
    { date: '2020-01-02', asset: 'A', text: 'A surges' },
    { date: '2020-01-03', asset: 'B', text: 'B plunges' },
  ];
  const fr: FundamentalReport[] = [
    { asset: 'A', periodEnd: '2019-12-31', reportDate: '2020-02-10', pe: 20, pb: 3, earningsGrowth: 0.1 },
    { asset: 'A', periodEnd: '2020-03-31', reportDate: '2020-05-08', pe: 18, pb: 2.8, earningsGrowth: 0.05 },
  ];
  it('filters headlines by date and asset', () => {
    expect(headlinesAsOf(hs, '2020-01-02')).toHaveLength(1);
    expect(headlinesAsOf(hs, '2020-01-03', 'B')).toEqual([hs[1]]);
  });
  it('hides a quarter until its report date', () => {
    expect(fundamentalsAsOf(fr, '2020-02-09')).toEqual([]);
    expect(latestFundamental(fr, 'A', '2020-05-07')?.periodEnd).toBe('2019-12-31');
    expect(latestFundamental(fr, 'A', '2020-05-08')?.periodEnd).toBe('2020-03-31');
  });
});
