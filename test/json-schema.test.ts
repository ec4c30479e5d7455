import fs from 'node:fs';
import path from 'node:path';
import { manifestJsonSchema } from '../src/importer/json-schema';
import { PROJECT_ROOT } from '../src/paths';

test('docs/issue.schema.json is the schema the importer enforces (run "npm run schema" after changing it)', () => {
  const committed = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'issue.schema.json'), 'utf8'));
  expect(committed).toEqual(manifestJsonSchema());
  expect((committed.properties as Record<string, unknown>).pages).toBeDefined();
  expect(committed.required).toEqual(expect.arrayContaining(['publication', 'date', 'pages']));
});
