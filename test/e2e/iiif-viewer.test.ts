/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { OPENSEADRAGON } from '../../src/web/vendor';
import { discoverDemo, launchBrowser, SCREENSHOT_DIR, SETUP_TIMEOUT, startServer, type DemoUrls, type RunningServer } from './helpers';

/**
 * An issue's IIIF manifest in a real IIIF viewer, as another site would load
 * it: a page on another origin runs OpenSeadragon (the site's zoom viewer, the
 * very file the site serves) driven only by the manifest
 * (test/fixtures/iiif/manifest-viewer.js). The viewer must read the canvas's
 * image service, load tiles across origins and draw an article's range as an
 * overlay exactly over the article's region.
 */

let server: RunningServer;
let browser: Browser;
let demo: DemoUrls;
/** The other origin: a loopback server on its own port, serving the viewer page. */
let viewerSite: http.Server;
let viewerOrigin = '';

const VIEWER_W = 800;
const VIEWER_H = 600;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  demo = await discoverDemo(server.baseUrl);
  const osd = Buffer.from(await (await fetch(`${server.baseUrl}/static/openseadragon/${OPENSEADRAGON.version}/openseadragon.min.js`)).arrayBuffer());
  const viewerJs = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'iiif', 'manifest-viewer.js'));
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>IIIF viewer</title>
<style>body{margin:0}#viewer{position:absolute;left:20px;top:30px;width:${VIEWER_W}px;height:${VIEWER_H}px;background:#222}</style></head>
<body><div id="viewer"></div><script src="/openseadragon.js"></script><script>window.OSD_IMAGES = '/images/';</script><script src="/manifest-viewer.js"></script></body></html>`;
  viewerSite = http.createServer((req, res) => {
    const body = req.url === '/' ? html : req.url === '/openseadragon.js' ? osd : req.url === '/manifest-viewer.js' ? viewerJs : null;
    if (body === null) {
      // The browser's own favicon request is no problem of the viewer's.
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': req.url === '/' ? 'text/html; charset=utf-8' : 'text/javascript' }).end(body);
  });
  await new Promise<void>((resolve) => viewerSite.listen(0, '127.0.0.1', resolve));
  viewerOrigin = `http://127.0.0.1:${(viewerSite.address() as AddressInfo).port}`;
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => viewerSite?.close(resolve));
});

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

test('a viewer on another origin opens the manifest, loads the canvas\'s tiles and draws an article\'s range over its region', async () => {
  const manifestUrl = `${server.baseUrl}${demo.issue}/manifest.json`;
  const manifest = (await (await fetch(manifestUrl)).json()) as Json;
  // An article on the first 版 (the page the demo helper found), by its range.
  const articleUrl = `${server.baseUrl}${demo.article}`;
  const range = (manifest.structures as Json[]).flatMap((r) => r.items as Json[]).find((r) => r.type === 'Range' && r.homepage[0].id === articleUrl);
  expect(range).toBeDefined();
  const target = range.items[0];
  const canvas = (manifest.items as Json[]).find((c) => c.id === target.source.id);
  const service = canvas.items[0].items[0].body.service[0].id as string;
  const [x, y, w, h] = (target.selector[0].value as string).replace('xywh=', '').split(',').map(Number) as [number, number, number, number];

  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const tiles: { url: string; status: number }[] = [];
  let infoStatus = 0;
  page.on('response', (res) => {
    const url = res.url();
    if (!url.startsWith(service)) return;
    if (url.endsWith('/info.json')) infoStatus = res.status();
    else if (url.endsWith('/default.jpg')) tiles.push({ url, status: res.status() });
  });

  await page.goto(`${viewerOrigin}/`);
  const drawn = await page.evaluate(([m, r]) => (window as unknown as { openIiifRange: (a: string, b: string, e: Element) => Promise<Json> })
    .openIiifRange(m!, r!, document.getElementById('viewer')!), [manifestUrl, range.id as string]);
  expect(drawn).toEqual({ canvas: { id: canvas.id, width: canvas.width, height: canvas.height }, service, region: { x, y, w, h } });

  // The image service was read and its tiles came from the site, across origins.
  expect(infoStatus).toBe(200);
  expect(tiles.length).toBeGreaterThan(0);
  expect(tiles.every((t) => t.status === 200)).toBe(true);
  expect(tiles.every((t) => /\/iiif\/[0-9a-f]{32}\/(full|\d+,\d+,\d+,\d+)\/\d+,\d+\/0\/default\.jpg$/.test(t.url))).toBe(true);

  // The whole canvas fits the viewer, centred: the overlay must sit exactly on the region, scaled the same.
  const rects = await page.evaluate(() => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    };
    return { viewer: box(document.getElementById('viewer')!), overlay: box(document.getElementById('range-overlay')!) };
  });
  const scale = Math.min(VIEWER_W / canvas.width, VIEWER_H / canvas.height);
  const left = rects.viewer.left + (VIEWER_W - canvas.width * scale) / 2;
  const top = rects.viewer.top + (VIEWER_H - canvas.height * scale) / 2;
  const expected = { left: left + x * scale, top: top + y * scale, width: w * scale, height: h * scale };
  for (const k of ['left', 'top', 'width', 'height'] as const) {
    expect([k, Math.abs(rects.overlay[k] - expected[k]) <= 1.5]).toEqual([k, true]);
  }
  expect(expected.width).toBeGreaterThan(50);

  // The page's JSON is open to the same outside page, as the manifest was.
  const data = await page.evaluate((u) => fetch(u).then((r) => r.json()), `${articleUrl}.json`) as Json;
  expect(data.article.url).toBe(articleUrl);
  expect(problems).toEqual([]);

  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'iiif-viewer-range.png') });
  await context.close();
});
