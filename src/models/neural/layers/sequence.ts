/** Helpers shared by the recurrent layers: batch-major (sample, step, feature) ↔ time-major (step, sample, feature). */

/** dst[(t·batch + s)·F + f] = src[(s·T + t)·F + f]. */
export function toTimeMajor(src: Float64Array, dst: Float64Array, batch: number, T: number, F: number): void {
  for (let s = 0; s < batch; s++) {
    for (let t = 0; t < T; t++) {
      const from = (s * T + t) * F;
      const to = (t * batch + s) * F;
      for (let f = 0; f < F; f++) dst[to + f] = src[from + f]!;
    }
  }
}

/** dst[(s·T + t)·F + f] = src[(t·batch + s)·F + f]. */
export function toBatchMajor(src: Float64Array, dst: Float64Array, batch: number, T: number, F: number): void {
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < batch; s++) {
      const from = (t * batch + s) * F;
      const to = (s * T + t) * F;
      for (let f = 0; f < F; f++) dst[to + f] = src[from + f]!;
    }
  }
}
