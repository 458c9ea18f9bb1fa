/** Moved to ./ml/signals.ts (portfolio-construction rules of ml-forecast); kept for existing imports. */
export * from './ml/signals.ts';
