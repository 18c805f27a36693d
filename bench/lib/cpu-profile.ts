import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where a function lives: an npm package, Node itself, or our own code. */
function ownerOf(url: string): string {
  // The innermost package: the mongodb driver nested under mongoose is the driver's time.
  const inPackage = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
  if (inPackage) return inPackage[1]!;
  if (url.startsWith('node:') || url === '') return url ? 'node (built-in)' : '(native / GC / idle)';
  const ours = /\/(src|client)\/(.+)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

/** The server's hottest functions and packages by self time, from the .cpuprofile files in `dir`. */
export function summariseCpuProfile(dir: string, top = 25): string {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) return `no CPU profile was written in ${dir}`;
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
    for (const node of profile.nodes) {
      const ms = (node.hitCount ?? 0) * msPerSample;
      if (ms === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = `${functionName || '(anonymous)'} ${ownerOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      if (functionName !== '(idle)') byOwner.set(ownerOf(url), (byOwner.get(ownerOf(url)) ?? 0) + ms);
      total += ms;
    }
  }
  // Shares of the time the process was busy: idle time says how loaded it was, not where time went.
  const idle = [...byFunction].filter(([name]) => name.startsWith('(idle) ')).reduce((sum, [, ms]) => sum + ms, 0);
  const busy = Math.max(1, total - idle);
  const table = (title: string, entries: Map<string, number>) =>
    [`${title} (self time, share of ${(busy / 1000).toFixed(1)} s busy)`,
      ...[...entries].filter(([name]) => !name.startsWith('(idle) ')).sort((a, b) => b[1] - a[1]).slice(0, top)
        .map(([name, ms]) => `  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}`)].join('\n');
  const header = `\nServer CPU profile (${files.join(', ')}): ${(total / 1000).toFixed(1)} s sampled, ${((idle / total) * 100).toFixed(1)} % idle`;
  return `${header}\n${table('by package', byOwner)}\n${table('by function', byFunction)}`;
}
