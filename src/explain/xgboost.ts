/**
 * Loads an XGBoost model saved as JSON (`booster.save_model('model.json')`, gbtree, one output) into the flat tree
 * form, so Keel's TreeSHAP can be checked against XGBoost's own `pred_contribs` on identical trees.
 *
 * XGBoost sends a row left when `x < t` (float32) and NaN to `default_left`; Keel's form uses `x ≤ t`, so each
 * threshold (a float32, printed in shortest form, so rounded back with fround) becomes the largest double below t (exactly the same split for every double x). Leaves hold their value
 * in `split_conditions`; `sum_hessian` is the cover path-dependent TreeSHAP needs.
 */
import { InvalidModelError } from './errors.ts';
import { makeTree, type FlatTreeForm, type TreeEnsembleForm } from './tree-form.ts';

interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  sum_hessian: number[];
}

const view = new DataView(new ArrayBuffer(8));
/** The largest double strictly below t (t finite). */
export function nextDown(t: number): number {
  if (t === 0) return -Number.MIN_VALUE;
  view.setFloat64(0, t);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, t > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

export function fromXgboostJson(json: unknown): TreeEnsembleForm {
  const learner = (json as { learner?: Record<string, any> })?.learner;
  const booster = learner?.['gradient_booster'];
  const trees = booster?.model?.trees as XgbTree[] | undefined;
  if (!learner || booster?.name !== 'gbtree' || !Array.isArray(trees))
    throw new InvalidModelError('not an XGBoost gbtree JSON model; save it with booster.save_model("model.json").');
  const param = learner['learner_model_param'] ?? {};
  const nClass = Number(param['num_class'] ?? 0);
  const nTarget = Number(param['num_target'] ?? 1);
  if (nClass > 1 || nTarget > 1)
    throw new InvalidModelError(
      `XGBoost model has ${Math.max(nClass, nTarget)} outputs; only single-output models load.`,
    );
  const nFeatures = Number(param['num_feature']);
  const base = Number(param['base_score']);
  const objective = learner['objective']?.name as string | undefined;
  if (objective !== undefined && !/^reg:(squarederror|linear)$/.test(objective) && objective !== 'binary:logistic')
    throw new InvalidModelError(
      `XGBoost objective ${objective} is not supported; use reg:squarederror or binary:logistic.`,
    );
  // binary:logistic stores base_score as a probability; the margin starts at its log-odds
  const margin0 = objective === 'binary:logistic' ? Math.log(base / (1 - base)) : base;
  const forms: FlatTreeForm[] = trees.map((t) => {
    const n = t.left_children.length;
    const leaf = (i: number) => t.left_children[i]! < 0;
    return makeTree({
      childrenLeft: Int32Array.from(t.left_children, (c) => (c < 0 ? -1 : c)),
      childrenRight: Int32Array.from(t.right_children, (c) => (c < 0 ? -1 : c)),
      childrenDefault: Int32Array.from({ length: n }, (_, i) =>
        leaf(i) ? -1 : Number(t.default_left[i]) ? t.left_children[i]! : t.right_children[i]!,
      ),
      features: Int32Array.from({ length: n }, (_, i) => (leaf(i) ? -1 : t.split_indices[i]!)),
      thresholds: Float64Array.from({ length: n }, (_, i) =>
        leaf(i) ? 0 : nextDown(Math.fround(t.split_conditions[i]!)),
      ),
      values: Float64Array.from({ length: n }, (_, i) => (leaf(i) ? Math.fround(t.split_conditions[i]!) : 0)),
      nodeSampleWeight: Float64Array.from(t.sum_hessian),
    });
  });
  return { trees: forms, base: margin0, scale: 1, nFeatures };
}
