/**
 * Schedules of a hyper-parameter over training, as functions of the progress remaining: 1 at the start of `learn`,
 * falling to 0 at its last step (SB3 `common/utils.py`). Learning rates, clip ranges and DQN's ε use them.
 */
export type Schedule = (progressRemaining: number) => number;

/** The same value throughout. */
export function constantSchedule(value: number): Schedule {
  return () => value;
}

/**
 * Linear from `start` (progress remaining 1) to `end`, reached once `endFraction` of training has passed and held
 * after (SB3 `LinearSchedule`, DQN's ε with `exploration_fraction`).
 */
export function linearSchedule(start: number, end: number, endFraction = 1): Schedule {
  return (progressRemaining) => {
    const done = 1 - progressRemaining;
    if (done >= endFraction) return end;
    return start + (done / endFraction) * (end - start);
  };
}

/** A number is a constant schedule; a function is used as it is. */
export function toSchedule(v: number | Schedule): Schedule {
  return typeof v === 'number' ? constantSchedule(v) : v;
}
