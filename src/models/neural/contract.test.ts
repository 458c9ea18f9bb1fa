/** The models stage's shared estimator contract, run over every neural kind (small nets: the checks, not the fit). */
import { runEstimatorContract, type ContractCase } from '../contract-suite.ts';
import '../index.ts'; // registers the neural kinds in modelKinds

const quick = { epochs: 3, batchSize: 16, learningRate: 0.01 };

const neuralCases: ContractCase[] = [
  { kind: 'fnn', params: { ...quick, hidden: [8] }, task: 'regression', constantFeatures: 'allow' },
  {
    name: 'fnn (3 classes, dropout + layerNorm)',
    kind: 'fnn',
    params: { ...quick, task: 'classification', hidden: [8, 6], dropout: 0.2, layerNorm: true },
    task: 'classification',
    nClasses: 3,
    constantFeatures: 'allow',
  },
  { kind: 'lstm', params: { ...quick, units: [5, 4], steps: 2 }, task: 'regression', constantFeatures: 'allow' },
  {
    name: 'lstm (binary classification)',
    kind: 'lstm',
    params: { ...quick, task: 'classification', units: [4], steps: 4 },
    task: 'classification',
    constantFeatures: 'allow',
  },
  {
    name: 'lstm (precision float32)',
    kind: 'lstm',
    params: { ...quick, units: [6, 4], steps: 2, precision: 'float32' },
    task: 'regression',
    constantFeatures: 'allow',
  },
  {
    kind: 'gru',
    params: { ...quick, units: [4], steps: 2, optimizer: 'sgd' },
    task: 'regression',
    constantFeatures: 'allow',
  },
  {
    kind: 'cnn1d',
    params: { ...quick, filters: [3], kernelSize: 2, hidden: [4], steps: 4 },
    task: 'regression',
    constantFeatures: 'allow',
  },
];

runEstimatorContract(neuralCases);
