import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { VIEWS_DIR } from '../paths';

type Template = (data: Record<string, unknown>) => string;
const compiled = new Map<string, Template>();

/**
 * Templates are compiled once per process (includes too, through ejs's own
 * cache), in strict mode: a template reads only what it takes from `locals`
 * on its first line, so a name it does not declare is an error, not a
 * silently empty string. Partials declare their inputs the same way and are
 * passed them explicitly.
 */
export function renderTemplate(view: string, data: Record<string, unknown>): string {
  let template = compiled.get(view);
  if (!template) {
    const filename = path.join(VIEWS_DIR, `${view}.ejs`);
    template = ejs.compile(fs.readFileSync(filename, 'utf8'), { filename, cache: true, strict: true }) as Template;
    compiled.set(view, template);
  }
  return template(data);
}
