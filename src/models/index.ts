/**
 * models/: forecasters behind one estimator contract (estimator.ts) — linear, trees, forests, boosting, SVM,
 * Bayesian, ensembles — plus clustering helpers for asset groups and regimes. Public door of the stage.
 */
export * from './estimator.ts';
export { modelKinds, classicModelKinds, registerModelKinds } from './registry.ts';
export { LinearModel, coordinateDescent } from './linear.ts';
export type { OlsParams, RidgeParams, LassoParams, ElasticNetParams } from './linear.ts';
export { TreeModel } from './trees/tree-model.ts';
export { FlatTree } from './trees/flat-tree.ts';
export type { RandomForestParams, DecisionTreeParams } from './trees/forest.ts';
export type { GradientBoostingParams } from './trees/boosting.ts';
export { neuralModelKinds, NeuralModel, slidingWindows, type NeuralDiagnostics, type Windows } from './neural/index.ts';
