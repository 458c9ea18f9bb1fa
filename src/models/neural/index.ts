/**
 * Keel's neural kit: float64 kernels, layers with hand-written backward passes (dense, LSTM, GRU, 1-D convolution,
 * dropout, layer normalisation), Adam / SGD with momentum, L2, clipping, early stopping, and the estimator kinds
 * `fnn`, `lstm`, `gru`, `cnn1d`. The models folder's index re-exports what other stages need.
 */
export { neuralModelKinds, fnnKind, lstmKind, gruKind, cnn1dKind, NeuralModel } from './estimators.ts';
export type {
  NeuralDiagnostics,
  NeuralKind,
  FnnParams,
  RecurrentParams,
  LstmParams,
  Cnn1dParams,
} from './estimators.ts';
export { slidingWindows } from './windows.ts';
export type { Windows } from './windows.ts';
export { Network, initialise } from './network.ts';
export { snapshotParams, restoreParams } from './layer.ts';
export type { LossKind } from './network.ts';
export type { Layer, LayerSpec, Param } from './layer.ts';
export { Adam, Sgd, clipGradNorm } from './optimizers.ts';
export { kernelBackend, setKernelBackend } from './kernels.ts';
export type { KernelBackend } from './kernels.ts';
export { train, evaluate } from './train.ts';
export type { TrainOptions, TrainingHistory, TrainData } from './train.ts';

// Make the neural kinds selectable in study files and ml-forecast strategies (modelKinds is the one registry).
import { registerModelKinds } from '../registry.ts';
import { neuralModelKinds as kinds } from './estimators.ts';
registerModelKinds(kinds);
