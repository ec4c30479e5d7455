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
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples that were not idle/program/GC, i.e. JavaScript and native work. */
  busyPercent: number;
  top: ProfileEntry[];
  /** Self time grouped by where the code lives: app (src/), each node_modules package, node internals, V8/GC. */
  byArea: { area: string; selfPercent: number }[];
}

function shortUrl(url: string, repoRoot: string): string {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(repoRoot)) u = u.slice(repoRoot.length + 1);
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
export function summariseProfile(file: string, repoRoot: string, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i += 1) {
      const id = profile.samples[i]!;
      // timeDeltas[i] is the time before sample i; attribute the next delta to this sample.
      const dt = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
    }
  }
  const totalUs = profile.endTime - profile.startTime;
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
  return {
    file: path.basename(file),
    totalMs: Math.round(totalUs / 1000),
    busyPercent: pct(totalUs - idleUs),
    top: [...fns.values()]
      .filter((e) => e.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: Math.round(e.us / 1000), selfPercent: pct(e.us) })),
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
