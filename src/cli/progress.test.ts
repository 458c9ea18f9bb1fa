import { describe, expect, it } from 'vitest';
import { createProgress, estimateRemaining, formatDuration, formatTiming, renderBar } from './progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 80, write: (c: string) => (chunks.push(c), true) } };
}

describe('progress bars', () => {
  it('renders a fixed-width bar with a percentage', () => {
    expect(renderBar('fit', 5, 10, 'fold 1/2')).toBe('[############------------]  50% fit fold 1/2');
    expect(renderBar('x', 0, 0)).toBe('[------------------------]   0% x');
    expect(renderBar('x', 20, 10)).toBe('[########################] 100% x');
    expect(renderBar('a very long label', 1, 2, 'note', 30)).toHaveLength(29);
  });

  it('on a terminal: redraws in place (throttled) and erases itself when done', () => {
    const { chunks, stream } = sink(true);
    let t = 0;
    const p = createProgress('fit', { stream, now: () => t });
    p.update(1, 10);
    p.update(2, 10); // within 50 ms: skipped
    t = 100;
    p.update(3, 10);
    p.done();
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatch(/^\r\x1b\[2K\[##-+\]  10% fit$/);
    expect(chunks[1]).toMatch(/30% fit$/);
    expect(chunks[2]).toBe('\r\x1b[2K');
  });

  it('a terminal that reports no width (e.g. under `script`) still gets a full bar', () => {
    const chunks: string[] = [];
    const p = createProgress('fit', {
      stream: { isTTY: true, columns: 0, write: (c: string) => (chunks.push(c), true) },
    });
    p.update(1, 2);
    expect(chunks[0]).toContain('[############------------]  50% fit');
  });

  it('not a terminal: silent by default', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress('fit', { stream });
    for (let i = 0; i <= 100; i++) p.update(i, 100);
    p.done();
    expect(chunks).toEqual([]);
  });

  it('not a terminal, verbose: one plain line per 25 % step', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress('fit', { stream, verbose: true });
    for (let i = 0; i <= 100; i++) p.update(i, 100);
    p.done('ok');
    expect(chunks).toEqual([
      'fit: 0%\n',
      'fit: 25%\n',
      'fit: 50%\n',
      'fit: 75%\n',
      'fit: 100%\n',
      'fit: done (ok) in 0s\n',
    ]);
  });

  it('ETA: the time left at the rate so far, none before there is a rate', () => {
    expect(estimateRemaining(60_000, 1, 4)).toBe(180_000); // a quarter in 1 min → 3 min left
    expect(estimateRemaining(30_000, 2.5, 10)).toBe(90_000); // fractional progress (a task part-way)
    expect(estimateRemaining(10_000, 10, 10)).toBe(0);
    expect(estimateRemaining(10_000, 12, 10)).toBe(0); // overshoot never goes negative
    expect(estimateRemaining(10_000, 0, 10)).toBeUndefined(); // nothing done: no rate
    expect(estimateRemaining(2_000, 0.003, 5)).toBeUndefined(); // 0.06 %: a sliver, no rate yet (not 55 min)
    expect(estimateRemaining(2_000, 0.05, 5)).toBe(198_000); // 1 %: a rate
    expect(estimateRemaining(500, 1, 10)).toBeUndefined(); // under a second: too early to say
    expect(estimateRemaining(5_000, 1, 0)).toBeUndefined();
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59_999)).toBe('59s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatTiming(62_000, 0.5, 1)).toBe('1m02s elapsed, ETA 1m02s');
    expect(formatTiming(62_000, 0, 1)).toBe('1m02s elapsed, ETA …');
  });

  it('on a terminal, a step running over a second shows elapsed time and ETA in the bar', () => {
    const chunks: string[] = [];
    const stream = { isTTY: true, columns: 120, write: (c: string) => (chunks.push(c), true) };
    let t = 0;
    const p = createProgress('[2/4] ml-job', { stream, now: () => t });
    p.update(0, 4, 'lstm refit 2020-01-02 epoch 1/3');
    t = 30_000;
    p.update(1, 4, 'lstm refit 2020-01-02 epoch 2/3');
    expect(chunks[0]).toBe('\r\x1b[2K[------------------------]   0% [2/4] ml-job lstm refit 2020-01-02 epoch 1/3');
    expect(chunks[1]).toBe(
      '\r\x1b[2K[######------------------]  25% 30s elapsed, ETA 1m30s · [2/4] ml-job lstm refit 2020-01-02 epoch 2/3',
    );
  });

  it('not a terminal: occasional plain lines with elapsed time and ETA while a step runs long, no carriage returns', () => {
    const { chunks, stream } = sink(false);
    let t = 0;
    const p = createProgress('[2/4] ml-job', { stream, now: () => t, heartbeatMs: 15_000 });
    // 4 minutes of work, an update every second (e.g. one per epoch): 0 % for nothing like 4 minutes.
    for (let s = 0; s <= 240; s++) {
      t = s * 1000;
      p.update(s / 60, 4, `refit ${Math.floor(s / 60) + 1}/4`);
    }
    p.done();
    expect(chunks.join('')).not.toContain('\r');
    expect(chunks).toHaveLength(240 / 15 + 1); // one line per 15 s, then the done line
    expect(chunks[0]).toBe('[2/4] ml-job: 6% (refit 1/4), 15s elapsed, ETA 3m45s\n');
    expect(chunks[7]).toBe('[2/4] ml-job: 50% (refit 3/4), 2m00s elapsed, ETA 2m00s\n');
    expect(chunks.at(-1)).toBe('[2/4] ml-job: done in 4m00s\n');
  });

  it('not a terminal: a step shorter than the heartbeat prints nothing', () => {
    const { chunks, stream } = sink(false);
    let t = 0;
    const p = createProgress('fit', { stream, now: () => t });
    for (let i = 0; i <= 10; i++) {
      t = i * 1000;
      p.update(i, 10);
    }
    p.done();
    expect(chunks).toEqual([]);
  });
});
