/** The one home for numeric tolerances, so that a tolerance is a named decision, not a magic number. */
export const EPS = {
  /** Relative tolerance under which a matrix counts as symmetric. */
  symmetry: 1e-10,
  /** Pivot size (relative to the largest diagonal) under which a factorisation is declared singular. */
  pivot: 1e-14,
  /** Tolerance for a constraint to count as satisfied after a solve (weights, sums). */
  constraint: 1e-8,
  /** Off-diagonal size at which the Jacobi eigen-iteration stops (relative to the Frobenius norm). */
  jacobi: 1e-15,
} as const;
