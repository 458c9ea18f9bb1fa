/** A member of an ensemble as a study file writes it: a model kind and its params. */
import { z } from 'zod';

export const memberSchema = z.strictObject({
  kind: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type MemberSpec = z.infer<typeof memberSchema>;
