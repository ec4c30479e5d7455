// Summary of a V8 CPU profile (node --cpu-prof): top functions by self time, and time by package.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  selfPercent: number;
  /** Self time per response answered in the window, when the caller said how many. */
  selfUsPerRequest?: number;
}

/** Only the samples between these two instants (µs of the monotonic clock: process.hrtime and V8's profiler share it). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
  /** Responses answered in the window (for per-response figures). */
  requests?: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples that were not idle/program/GC, i.e. JavaScript and native work. */
  busyPercent: number;
  top: ProfileEntry[];
  /** Self time grouped by where the code lives: app (src/), each node_modules package, node internals, V8/GC. */
  byArea: { area: string; selfPercent: number }[];
  /** Set when only a window of the profile was summarised. */
  window?: { ms: number; requests: number | null; busyUsPerRequest: number | null };
}

/** A script's location without the machine's paths: relative to the checkout, or from node_modules/ on (which may be a link elsewhere). */
export function shortUrl(url: string, repoRoot: string): string {
  if (!url) return '';
  // ejs names its compiled functions after the template file, in quotes.
  let u = url.replace(/^file:\/\//, '').replace(/^"(.*)"$/, '$1');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + 1);
  if (u.startsWith(`${repoRoot}/`)) u = u.slice(repoRoot.length + 1);
  return u;
}

function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/src/')) return `app: ${url.split('/dist/src/')[1]!.split('/').slice(0, -1).join('/') || '.'}`;
  return 'other';
}

/** Reads a .cpuprofile and aggregates self time by function (name + location). */
export function summariseProfile(file: string, repoRoot: string, top = 15, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let windowUs = 0;
  if (profile.samples && profile.timeDeltas) {
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i += 1) {
      const id = profile.samples[i]!;
      at += profile.timeDeltas[i]!;
      // timeDeltas[i] is the time before sample i; attribute the next delta to this sample.
      const dt = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
      if (window && (at < window.fromUs || at >= window.toUs)) continue;
      windowUs += dt;
      selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    }
  }
  const totalUs = window ? windowUs : profile.endTime - profile.startTime;
  const requests = window?.requests && window.requests > 0 ? window.requests : null;
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') idleUs += name === '(idle)' ? us : 0;
    const where = n.callFrame.url ? `${shortUrl(n.callFrame.url, repoRoot)}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const e = fns.get(key) ?? { name, where, us: 0 };
    e.us += us;
    fns.set(key, e);
    const area = areaOf(n.callFrame.url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / Math.max(totalUs, 1)) * 1000) / 10;
  const perRequest = (us: number) => (requests ? Math.round((us / requests) * 100) / 100 : undefined);
  return {
    file: path.basename(file),
    totalMs: Math.round(totalUs / 1000),
    busyPercent: pct(totalUs - idleUs),
    ...(window ? { window: { ms: Math.round(windowUs / 1000), requests, busyUsPerRequest: perRequest(totalUs - idleUs) ?? null } } : {}),
    top: [...fns.values()]
      .filter((e) => e.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: Math.round(e.us / 1000), selfPercent: pct(e.us), ...(requests ? { selfUsPerRequest: perRequest(e.us) } : {}) })),
    byArea: [...areas.entries()]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, us]) => ({ area, selfPercent: pct(us) })),
  };
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f: path.join(dir, f), t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return files[0]?.f ?? null;
}
