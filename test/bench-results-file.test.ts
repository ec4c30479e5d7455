import fs from 'node:fs';
import path from 'node:path';
import { writeResultsFile } from '../src/bench/results-file';
import { tempDir } from './helpers/fixtures';

test('a bench keeps only its newest results file and leaves the other benches\' files alone', () => {
  const dir = tempDir('epaper-results-');
  const bench = writeResultsFile(dir, { prefix: '' }, new Date('2026-11-29T23:47:00.171Z'), { run: 'bench' });
  const smoke = writeResultsFile(dir, { prefix: '', suffix: '-smoke' }, new Date('2026-11-29T23:50:00.000Z'), { run: 'smoke' });
  writeResultsFile(dir, { prefix: 'search-' }, new Date('2026-11-30T04:39:00.174Z'), { run: 1 });
  const imported = writeResultsFile(dir, { prefix: 'import-' }, new Date('2026-11-30T05:33:18.230Z'), { run: 'import' });
  fs.writeFileSync(path.join(dir, 'notes.json'), '{}');

  const newest = writeResultsFile(dir, { prefix: 'search-' }, new Date('2026-11-30T04:39:27.019Z'), { run: 2 });

  expect(path.basename(newest)).toBe('search-2026-11-30T04-39-27-019Z.json');
  expect(JSON.parse(fs.readFileSync(newest, 'utf8'))).toEqual({ run: 2 });
  expect(fs.readdirSync(dir).sort()).toEqual(
    ['2026-11-29T23-47-00-171Z.json', '2026-11-29T23-50-00-000Z-smoke.json', 'import-2026-11-30T05-33-18-230Z.json', 'notes.json', 'search-2026-11-30T04-39-27-019Z.json'],
  );
  expect([bench, smoke, imported].map((f) => path.basename(f))).toEqual(['2026-11-29T23-47-00-171Z.json', '2026-11-29T23-50-00-000Z-smoke.json', 'import-2026-11-30T05-33-18-230Z.json']);

  writeResultsFile(dir, { prefix: '' }, new Date('2026-12-01T10:00:00.000Z'), { run: 'bench 2' });
  expect(fs.readdirSync(dir).filter((f) => /^\d/.test(f)).sort()).toEqual(['2026-11-29T23-50-00-000Z-smoke.json', '2026-12-01T10-00-00-000Z.json']);
});
