import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { ReplayBuffer, RolloutBuffer } from './buffers.ts';
import { linearSchedule } from './schedules.ts';

describe('ReplayBuffer', () => {
  it('is a ring: past capacity the oldest transitions are overwritten, and samples come only from what is stored', () => {
    const rb = new ReplayBuffer(3, 1);
    for (let i = 0; i < 5; i++) rb.add(Float64Array.of(i), Float64Array.of(i + 1), i % 2, i * 10, i === 4);
    expect(rb.size).toBe(3);
    const out = rb.sampleBuffers(64);
    rb.sample(64, createRng(1), out);
    const seen = new Set(Array.from(out.obs));
    expect([...seen].sort()).toEqual([2, 3, 4]);
    for (let b = 0; b < 64; b++) {
      expect(out.nextObs[b]).toBe(out.obs[b]! + 1);
      expect(out.rewards[b]).toBe(out.obs[b]! * 10);
      expect(out.terminated[b]).toBe(out.obs[b] === 4 ? 1 : 0);
    }
  });
});

describe('RolloutBuffer', () => {
  it('stores rows at t × width and is reusable after reset', () => {
    const rb = new RolloutBuffer(2, 2, 3);
    rb.add(Float64Array.of(1, 2), Float64Array.of(3, 4, 5), 6, true, 7, -1);
    rb.add(Float64Array.of(8, 9), Float64Array.of(10, 11, 12), 13, false, 14, -2);
    expect(rb.full).toBe(true);
    expect(Array.from(rb.obs)).toEqual([1, 2, 8, 9]);
    expect(Array.from(rb.actions)).toEqual([3, 4, 5, 10, 11, 12]);
    expect(Array.from(rb.episodeStarts)).toEqual([1, 0]);
    rb.reset();
    expect(rb.full).toBe(false);
  });
});

describe('linearSchedule(start, end, endFraction)', () => {
  it('goes from start at progress remaining 1 to end once endFraction of training has passed', () => {
    const s = linearSchedule(1, 0.05, 0.1);
    expect(s(1)).toBe(1);
    expect(s(0.95)).toBeCloseTo(0.525, 12);
    expect(s(0.9)).toBeCloseTo(0.05, 12); // 1 − 0.9 is 0.09999999999999998 in floating point
    expect(s(0)).toBe(0.05);
  });
});
