import fs from 'node:fs';
import path from 'node:path';
import { writeMarkedSection } from '../src/doc-section';
import { tempDir } from './helpers/fixtures';

/** Generated sections of the docs: replaced between their markers, the hand-written rest kept. */

const M = { start: '<!-- x:start -->', end: '<!-- x:end -->' };

describe('writeMarkedSection', () => {
  test('replaces only what is between the markers', () => {
    const file = path.join(tempDir(), 'doc.md');
    fs.writeFileSync(file, `# Doc\n\nbefore\n\n${M.start}\nold figures\n${M.end}\n\nafter, by hand\n`);
    writeMarkedSection(file, M, '\nnew figures\n', { ifMissing: 'throw' });
    expect(fs.readFileSync(file, 'utf8')).toBe(`# Doc\n\nbefore\n\n${M.start}\nnew figures\n${M.end}\n\nafter, by hand\n`);
  });

  test('appends the section to a file without markers, or makes the file', () => {
    const dir = tempDir();
    const existing = path.join(dir, 'a.md');
    fs.writeFileSync(existing, '# A\n\ntext\n\n\n');
    writeMarkedSection(existing, M, 'figures', { ifMissing: 'append' });
    expect(fs.readFileSync(existing, 'utf8')).toBe(`# A\n\ntext\n\n${M.start}\nfigures\n${M.end}\n`);
    const absent = path.join(dir, 'b.md');
    writeMarkedSection(absent, M, 'figures', { ifMissing: 'append', newFile: '# B\n' });
    expect(fs.readFileSync(absent, 'utf8')).toBe(`# B\n\n${M.start}\nfigures\n${M.end}\n`);
  });

  test('refuses a file without its markers when asked to, and leaves it alone', () => {
    const file = path.join(tempDir(), 'c.md');
    fs.writeFileSync(file, '# C\n');
    expect(() => writeMarkedSection(file, M, 'figures', { ifMissing: 'throw' })).toThrow(/lacks the markers/);
    expect(() => writeMarkedSection(path.join(path.dirname(file), 'none.md'), M, 'figures', { ifMissing: 'append' })).toThrow(/lacks the markers/);
    expect(fs.readFileSync(file, 'utf8')).toBe('# C\n');
  });
});
