import fs from 'node:fs';
import path from 'node:path';

/**
 * OpenSeadragon (the zoom viewer of the page view), served from our own
 * origin under the strict CSP: its build file and navigation images, from
 * the installed npm package, at URLs that carry its version so they can be
 * cached for a year (src/web/pages/media.ts `vendorFile`).
 */
const packageJson = require.resolve('openseadragon/package.json');

export const OPENSEADRAGON = {
  version: (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version,
  dir: path.join(path.dirname(packageJson), 'build', 'openseadragon'),
};
