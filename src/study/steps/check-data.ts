/** Step `validate`: data-quality checks on the loaded panel; errors stop the run, warnings become findings. */
import { dataError } from '../../core/index.ts';
import type { StudyStep } from '../context.ts';
import { qualityFindings } from '../doors.ts';

export const checkDataStep: StudyStep = {
  name: 'validate',
  sections: [],
  applies: () => true,
  run(ctx) {
    const panel = ctx.state.panel;
    if (panel === undefined) throw dataError('no market data was loaded before validation');
    const { errors, warnings, settings } = qualityFindings(panel, ctx.study.data.quality);
    ctx.report(...settings, ...warnings);
    for (const e of errors) ctx.log(`data quality error: ${e}`);
    ctx.log(`data quality: ${errors.length} error(s), ${warnings.length} warning(s)`);
    ctx.state.summary['quality'] = { errors: errors.length, warnings: warnings.length };
    if (errors.length > 0) {
      throw dataError(
        `the data is not usable: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more; see keel data validate)` : ''}`,
      );
    }
  },
};
