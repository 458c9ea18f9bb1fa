import type { ActivationFn, LayerSpec } from './layer.ts';

/** Shape of one sample as the network sees it: `steps` × `features` numbers (features only for tabular nets). */
export interface InputShape {
  readonly steps: number;
  readonly features: number;
}

export interface Regularisers {
  readonly dropout: number;
  readonly layerNorm: boolean;
}

function hiddenBlock(size: number, dim: number, fn: ActivationFn, r: Regularisers): LayerSpec[] {
  const out: LayerSpec[] = [];
  if (r.layerNorm) out.push({ type: 'layerNorm', size, dim, eps: 1e-5 });
  out.push({ type: 'activation', size, fn });
  if (r.dropout > 0) out.push({ type: 'dropout', size, rate: r.dropout });
  return out;
}

/**
 * Feed-forward net: [dense → (layerNorm) → activation → (dropout)] per hidden size, then a linear head (without
 * layerNorm the activation is fused into the dense layer).
 */
export function fnnLayers(
  inputs: number,
  hidden: readonly number[],
  fn: ActivationFn,
  outputs: number,
  r: Regularisers,
): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let width = inputs;
  for (const units of hidden) {
    if (r.layerNorm) specs.push({ type: 'dense', inputs: width, units }, ...hiddenBlock(units, units, fn, r));
    else {
      // the activation runs in the dense layer's own bias pass
      specs.push({ type: 'dense', inputs: width, units, activation: fn });
      if (r.dropout > 0) specs.push({ type: 'dropout', size: units, rate: r.dropout });
    }
    width = units;
  }
  specs.push({ type: 'dense', inputs: width, units: outputs });
  return specs;
}

/**
 * Stacked LSTM or GRU: every layer but the last returns its whole sequence (dropout between layers, as PyTorch's
 * `dropout` argument), the last returns its final hidden state, then (layerNorm) and a linear head.
 */
export function recurrentLayers(
  cell: 'lstm' | 'gru',
  shape: InputShape,
  units: readonly number[],
  outputs: number,
  r: Regularisers,
  precision: 'float64' | 'float32' = 'float64',
): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let features = shape.features;
  units.forEach((u, i) => {
    const last = i === units.length - 1;
    const base = { type: cell, steps: shape.steps, features, units: u, returnSequences: !last } as const;
    specs.push(cell === 'lstm' && precision === 'float32' ? { ...base, precision } : base);
    if (!last && r.dropout > 0) specs.push({ type: 'dropout', size: shape.steps * u, rate: r.dropout });
    features = u;
  });
  if (r.layerNorm) specs.push({ type: 'layerNorm', size: features, dim: features, eps: 1e-5 });
  specs.push({ type: 'dense', inputs: features, units: outputs });
  return specs;
}

/**
 * 1-D CNN over a window: [conv1d (valid) → (layerNorm over filters) → activation → (dropout)] per filter count
 * (without layerNorm the activation is fused into the convolution),
 * then the flattened feature map through the dense hidden layers and a linear head.
 */
export function cnnLayers(
  shape: InputShape,
  filters: readonly number[],
  kernelSize: number,
  hidden: readonly number[],
  fn: ActivationFn,
  outputs: number,
  r: Regularisers,
): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let steps = shape.steps;
  let channels = shape.features;
  for (const f of filters) {
    const base = { type: 'conv1d', steps, channels, filters: f, kernelSize } as const;
    steps = steps - kernelSize + 1;
    if (r.layerNorm) {
      specs.push(base, ...hiddenBlock(steps * f, f, fn, r));
    } else {
      // the activation runs inside the convolution's own pass (same function, one pass less)
      specs.push({ ...base, activation: fn });
      if (r.dropout > 0) specs.push({ type: 'dropout', size: steps * f, rate: r.dropout });
    }
    channels = f;
  }
  specs.push(...fnnLayers(steps * channels, hidden, fn, outputs, r));
  return specs;
}
