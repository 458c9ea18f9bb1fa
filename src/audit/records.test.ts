import { describe, expect, it } from 'vitest';
import { perturbRecords, visibleDate } from './index.ts';

const records = {
  macro: [
    { series: 'inflation', refDate: '2020-01-31', releaseDate: '2020-02-14', value: 2.1 },
    { series: 'inflation', refDate: '2020-02-29', releaseDate: '2020-03-13', value: 2.3 },
  ],
  headlines: [
    { date: '2020-02-01', asset: 'X', text: 'Shares surge on strong results' },
    { date: '2020-03-02', asset: 'X', text: 'Shares plunge after weak guidance' },
  ],
  truth: { secret: [1, 2, 3] },
};

describe('perturbRecords', () => {
  it('keeps records released ≤ asOf and garbles or deletes the later ones; never mutates', () => {
    const snap = JSON.stringify(records);
    const g = perturbRecords(records, '2020-02-20', 'garbage', 2);
    expect(g.macro[0]).toEqual(records.macro[0]);
    expect(g.macro[1]!.value).toBeGreaterThan(2.3 * 2.7); // even seed: scaled up
    expect(g.macro[1]!.releaseDate).toBe('2020-03-13');
    expect(g.headlines[1]!.text).not.toBe(records.headlines[1]!.text);
    expect(g.truth).toBe(records.truth);
    expect(perturbRecords(records, '2020-02-20', 'garbage', 3).macro[1]!.value).toBeLessThan(2.3 / 2.7); // odd: down
    const d = perturbRecords(records, '2020-02-20', 'delete');
    expect(d.macro.length).toBe(1);
    expect(d.headlines.length).toBe(1);
    expect(JSON.stringify(records)).toBe(snap);
    expect(visibleDate({ reportDate: '2020-05-01', periodEnd: '2020-03-31' })).toBe('2020-05-01');
  });
});
