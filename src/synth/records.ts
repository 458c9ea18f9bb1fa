/**
 * The ground truth as a study's records carry it on synthetic data (study/doors.ts puts it there): the truth and
 * the dates and assets its arrays are laid out on. Later stages (the report's ceiling, the planted-expectation
 * feature) find it with `syntheticRecordsOf`; on file data there is none.
 */
import type { SyntheticTruth } from './market.ts';

export interface SyntheticRecords {
  readonly truth: SyntheticTruth;
  readonly truthAxes: { readonly dates: readonly string[]; readonly assets: readonly string[] };
}

export function syntheticRecordsOf(records: unknown): SyntheticRecords | undefined {
  const r = records as Partial<SyntheticRecords> | undefined;
  return r?.truth && r.truthAxes ? (r as SyntheticRecords) : undefined;
}
