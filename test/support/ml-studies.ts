/**
 * A small ml-forecast strategy for portfolio-method study tests: a ridge on the main job's lean stock features over
 * twelve synthetic stocks (STK001–STK012), trained on the last 300 dates and refitted every 126. Tests add their
 * `portfolio:` and name.
 */
export const twelveStocks = Array.from({ length: 12 }, (_, i) => `STK0${String(i + 1).padStart(2, '0')}`);

export const twelveStockRidge = {
  kind: 'ml-forecast',
  universe: twelveStocks,
  features: [{ kind: 'momentum', windows: [40], skip: 1 }, { kind: 'momentum', windows: [16] }, { kind: 'sentiment' }],
  crossSectional: 'zscore',
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 126,
  model: { kind: 'ridge', alpha: 10 },
};
