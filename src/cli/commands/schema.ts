/** `keel schema`: prints the study file's JSON Schema (for editors: `keel schema > study.schema.json`). */
import { Command } from 'commander';

export function schemaCommand(): Command {
  return new Command('schema')
    .description("print the study file's JSON Schema (draft 2020-12) on stdout")
    .action(async () => {
      const { studyJsonSchema } = await import('../../config/index.ts');
      process.stdout.write(`${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
    });
}
