import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { listFrenchSections, parseFrenchCsv } from './french.ts';

const TEXT = [
  'This file was created by a test.',
  'Missing data are indicated by -99.99 or -999.',
  '',
  '',
  '  Average Value Weighted Returns -- Monthly',
  ',Alpha,Beta ',
  '202301,   1.50,  -99.99',
  '202302,  -2.25,    3.00',
  '202312,   0.10,    -999',
  '',
  '',
  '  Number of Firms in Portfolios',
  ',Alpha,Beta ',
  '202301,  10,  20',
  '',
  ' Annual Factors: January-December ',
  ',Alpha,Beta ',
  '  2023,   5.00,   6.00',
  '',
].join('\r\n');

describe('Kenneth French sections', () => {
  it('lists sections with titles, frequencies and header lines', () => {
    expect(listFrenchSections(TEXT)).toEqual([
      {
        title: 'Average Value Weighted Returns -- Monthly',
        frequency: 'monthly',
        headerLine: 6,
        columns: ['Alpha', 'Beta'],
        rows: 3,
      },
      {
        title: 'Number of Firms in Portfolios',
        frequency: 'monthly',
        headerLine: 13,
        columns: ['Alpha', 'Beta'],
        rows: 1,
      },
      {
        title: 'Annual Factors: January-December',
        frequency: 'annual',
        headerLine: 17,
        columns: ['Alpha', 'Beta'],
        rows: 1,
      },
    ]);
  });
  it('percent → fraction, -99.99 and -999 → NaN, YYYYMM → month end (leap-aware)', () => {
    const { panel, section } = parseFrenchCsv(TEXT);
    expect(section.title).toBe('Average Value Weighted Returns -- Monthly');
    expect(panel.dates).toEqual(['2023-01-31', '2023-02-28', '2023-12-31']);
    expect([...panel.field('return')]).toEqual([0.015, NaN, -0.0225, 0.03, 0.001, NaN]);
    expect(parseFrenchCsv(TEXT, { dates: 'month-start' }).panel.dates).toEqual([
      '2023-01-01',
      '2023-02-01',
      '2023-12-01',
    ]);
  });
  it('picks sections by title substring or frequency; counts stay raw', () => {
    const firms = parseFrenchCsv(TEXT, { section: 'number of firms' }).panel;
    expect([...firms.field('value')]).toEqual([10, 20]);
    const annual = parseFrenchCsv(TEXT, { section: 'annual' }).panel;
    expect(annual.dates).toEqual(['2023-12-31']);
    expect([...annual.field('return')]).toEqual([0.05, 0.06]);
    expect(parseFrenchCsv(TEXT, { section: 'annual', units: 'raw' }).panel.field('value')[0]).toBe(5);
  });
  it('an unknown section names the ones that exist', () => {
    expect(() => parseFrenchCsv(TEXT, { section: 'daily', source: 'ff.csv' })).toThrow(
      'ff.csv: no section matches "daily". Sections: "Average Value Weighted Returns -- Monthly" (line 6), "Number of Firms in Portfolios" (line 13), "Annual Factors: January-December" (line 17).',
    );
  });
  it('a broken row or a bad month is a one-line error with its line', () => {
    expect(() =>
      parseFrenchCsv(TEXT.replace('202302,  -2.25,    3.00', '202302,  -2.25'), { source: 'ff.csv' }),
    ).toThrow('ff.csv:8: the row has 2 fields, the section header (line 6) has 3. Fix the row.');
    expect(() => parseFrenchCsv(TEXT.replace('202302,', '202313,'), { source: 'ff.csv' })).toThrow(
      'ff.csv:8: key "202313" has month 13. Expected YYYYMM with MM in 01..12.',
    );
    expect(() => parseFrenchCsv(TEXT.replace('202302,', '202301,'), { source: 'ff.csv' })).toThrow(
      'ff.csv:8: key "202301" repeats the previous row\'s date (2023-01-31). Rows of a section must be in ascending order, one per period.',
    );
    expect(() => parseFrenchCsv(TEXT.replace('-2.25', 'n/a'), { source: 'ff.csv' })).toThrow(
      'ff.csv:8: column "Alpha" has non-numeric value "n/a". Fix the cell (missing is -99.99).',
    );
  });
  it('fuzz: any text parses or throws a KeelError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(',', '202301', '1999', '  1.5', '-99.99', '\n', '\r\n', 'Title', 'x', ' '), {
          maxLength: 60,
        }),
        (parts) => {
          try {
            parseFrenchCsv(parts.join(''));
          } catch (e) {
            if (!isKeelError(e)) throw e;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
