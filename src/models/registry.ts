/**
 * `modelKinds`: every model kind a study file can name → { schema, create(params), fromJSON }. The config stage
 * composes this table into the study schema, so adding a kind here is all it takes to make it selectable.
 */
import { bindModelRegistry, type ModelKind } from './estimator.ts';
import { elasticNetKind, lassoKind, olsKind, ridgeKind } from './linear.ts';
import { gradientBoostingKind } from './trees/boosting.ts';
import { decisionTreeKind, randomForestKind } from './trees/forest.ts';
import { svcKind, svrKind } from './svm/svm.ts';
import { gaussianNbKind } from './bayes/naive-bayes.ts';
import { bayesianLinearKind } from './bayes/bayesian-linear.ts';
import { averagingKind } from './ensemble/averaging.ts';
import { stackingKind } from './ensemble/stacking.ts';

export const classicModelKinds = {
  ols: olsKind,
  ridge: ridgeKind,
  lasso: lassoKind,
  'elastic-net': elasticNetKind,
  'decision-tree': decisionTreeKind,
  'random-forest': randomForestKind,
  'gradient-boosting': gradientBoostingKind,
  svr: svrKind,
  svc: svcKind,
  'gaussian-nb': gaussianNbKind,
  'bayesian-linear': bayesianLinearKind,
  averaging: averagingKind,
  stacking: stackingKind,
} as const satisfies Record<string, ModelKind<any>>;

/** Mutable so other model families (neural/) can register their kinds with `registerModelKinds`. */
export const modelKinds: Record<string, ModelKind<any>> = {};
registerModelKinds(classicModelKinds);
bindModelRegistry(modelKinds);

/** Adds kinds (e.g. the neural family's) to `modelKinds`; a kind name may be registered once. */
export function registerModelKinds(kinds: Readonly<Record<string, ModelKind<any>>>): void {
  for (const [name, kind] of Object.entries(kinds)) {
    const prior = modelKinds[name];
    if (prior !== undefined && prior.create !== kind.create)
      throw new Error(`model kind "${name}" is registered twice`);
    modelKinds[name] = { ...kind, description: kind.description ?? kind.summary };
  }
}
