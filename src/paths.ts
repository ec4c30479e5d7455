import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether we run from src/ (tests) or dist/src/ (compiled). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const STATIC_DIR = path.join(PROJECT_ROOT, 'static');
