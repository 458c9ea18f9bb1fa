/**
 * models/: forecasters behind one estimator contract (estimator.ts) — linear, trees, forests, boosting, SVM,
 * Bayesian, ensembles — plus clustering helpers for asset groups and regimes. Public door of the stage.
 */
export * from './estimator.ts';
export { modelKinds, classicModelKinds, registerModelKinds } from './registry.ts';
export { LinearModel, coordinateDescent } from './linear.ts';
export type { OlsParams, RidgeParams, LassoParams, ElasticNetParams } from './linear.ts';
export { TreeModel } from './trees/tree-model.ts';
export { clearBinCache } from './trees/bin-cache.ts';
export { FlatTree } from './trees/flat-tree.ts';
export type { RandomForestParams, DecisionTreeParams } from './trees/forest.ts';
export type { GradientBoostingParams } from './trees/boosting.ts';
export { neuralModelKinds, NeuralModel, slidingWindows, type NeuralDiagnostics, type Windows } from './neural/index.ts';
// the neural kit's building blocks, for stages that train their own networks (agents/)
export {
  Network,
  initialise,
  Adam,
  clipGradNorm,
  snapshotParams,
  restoreParams,
  type LayerSpec,
  type Param,
} from './neural/index.ts';
export { SvmModel } from './svm/svm.ts';
export type { SvrParams, SvcParams } from './svm/svm.ts';
export { solveSmo, kernelRows } from './svm/smo.ts';
export { GaussianNbModel } from './bayes/naive-bayes.ts';
export { BayesianLinearModel } from './bayes/bayesian-linear.ts';
export type { BayesianLinearParams } from './bayes/bayesian-linear.ts';
export { AveragingModel } from './ensemble/averaging.ts';
export { StackingModel } from './ensemble/stacking.ts';
export { permutationImportance, type PermutationImportance } from './importance.ts';
export { kMeans, type KMeansOptions, type KMeansResult } from './clustering/kmeans.ts';
export {
  hierarchical,
  cutTree,
  leafOrder,
  euclideanDistances,
  type Dendrogram,
  type Linkage,
  type Merge,
} from './clustering/hierarchical.ts';
export {
  clusterAssets,
  correlationMatrix,
  correlationDistance,
  detectRegimes,
  type AssetClustering,
  type Regimes,
} from './clustering/asset-groups.ts';
export { modelRng, type ModelRng } from './internal/rng.ts';
