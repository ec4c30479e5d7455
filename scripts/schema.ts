import fs from 'node:fs';
import path from 'node:path';
import { manifestJsonSchema } from '../src/importer/json-schema';
import { PROJECT_ROOT } from '../src/paths';
import { runCli } from '../src/cli';

runCli(() => {
  const file = path.join(PROJECT_ROOT, 'docs', 'issue.schema.json');
  fs.writeFileSync(file, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${file}`);
});
