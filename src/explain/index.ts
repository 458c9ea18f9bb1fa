/**
 * explain: why a model forecast what it did and why a portfolio's weights changed — exact TreeSHAP (path-dependent
 * and interventional) over one flat tree form, exact linear SHAP, permutation-sampling SHAP for every other model,
 * weight-change attribution over the allocator's inputs, and distillation into a shallow readable tree.
 */
export { explain, explainEnsemble, shapModes } from './explainer.ts';
export type { Explanation, ExplainOptions, ShapMethod, ShapMode } from './explainer.ts';
export { InvalidModelError, ExplainerError, DimensionError } from './errors.ts';
export { fromKeelTrees, makeTree, ensembleOutput } from './tree-form.ts';
export type { FlatTreeForm, TreeEnsembleForm } from './tree-form.ts';
export {
  treeShapPathDependent,
  treeShapPathDependentRows,
  treeShapInterventional,
  pathExpectedValue,
} from './tree-shap.ts';
export { samplingShap } from './sampling.ts';
export { fromXgboostJson } from './xgboost.ts';
export { whyWeights, bindingConstraints, weightChangeInputs } from './why-weights.ts';
export type {
  AllocatorState,
  BlackBoxAllocator,
  WeightChange,
  WeightChangeInput,
  WhyWeightsOptions,
} from './why-weights.ts';
export { distill, treeRules } from './distill.ts';
export type { Distillation, DistillOptions } from './distill.ts';
export { explainForecasts, globalImportance, recordOutput } from './records.ts';
export type { ForecastExplanation, ExplainForecastsOptions } from './records.ts';
