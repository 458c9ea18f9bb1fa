import { describe, expect, it } from 'vitest';
import { createProgress, renderBar } from './progress.ts';

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
    expect(chunks).toEqual(['fit: 0%\n', 'fit: 25%\n', 'fit: 50%\n', 'fit: 75%\n', 'fit: 100%\n', 'fit: done (ok)\n']);
  });
});
