/**
 * Explanation errors classed by cause (shap's `InvalidModelError`, `ExplainerError`, `DimensionError`); all are
 * KeelErrors, so the CLI prints one line and exits 2 (usage: the call asked for something impossible) or 1.
 */
import { KeelError } from '../core/index.ts';

/** The model cannot be explained this way (no covers for path-dependent mode, an unknown model shape). */
export class InvalidModelError extends KeelError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'InvalidModelError';
  }
}

/** The explanation itself failed a check (additivity) or the options contradict each other. */
export class ExplainerError extends KeelError {
  constructor(message: string) {
    super('numeric', message);
    this.name = 'ExplainerError';
  }
}

/** Inputs of the wrong shape (rows × features do not match the model or the background). */
export class DimensionError extends KeelError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'DimensionError';
  }
}
