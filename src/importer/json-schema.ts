import { z } from 'zod';
import { manifestSchema } from './manifest';

/** The JSON Schema of issue.json published in docs/, generated from the zod schema so the two cannot drift. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://epaper.example/schemas/issue.schema.json',
    title: 'Issue folder manifest (issue.json), format 1',
    ...z.toJSONSchema(manifestSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
