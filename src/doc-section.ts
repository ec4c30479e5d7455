import fs from 'node:fs';

export interface Markers {
  start: string;
  end: string;
}

/**
 * Writes `body` between the two marker lines of a Markdown file that scripts
 * regenerate (bench, load test, Lighthouse, search bench), keeping everything
 * outside them as people wrote it. A file without the markers either gets them
 * appended (`ifMissing: 'append'`, the file made from `newFile` when absent) or
 * is refused (`'throw'`).
 */
export function writeMarkedSection(file: string, markers: Markers, body: string, opts: { ifMissing: 'append' | 'throw'; newFile?: string }): void {
  const section = `${markers.start}\n${body.trim()}\n${markers.end}`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : opts.newFile;
  const start = text?.indexOf(markers.start) ?? -1;
  const end = text?.indexOf(markers.end) ?? -1;
  if (text !== undefined && start >= 0 && end > start) {
    fs.writeFileSync(file, text.slice(0, start) + section + text.slice(end + markers.end.length));
  } else if (opts.ifMissing === 'throw' || text === undefined) {
    throw new Error(`${file} lacks the markers ${markers.start} … ${markers.end}`);
  } else {
    fs.writeFileSync(file, `${text.trimEnd()}\n\n${section}\n`);
  }
}
