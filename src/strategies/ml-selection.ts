/** Moved to ./ml/selection.ts (the model-selection stage of ml-forecast); kept for existing imports. */
export * from './ml/selection.ts';
