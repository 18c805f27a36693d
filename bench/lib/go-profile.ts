import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferretdbBinary } from '../../src/lib/embedded-mongo.js';

/**
 * A Go CPU profile of the embedded FerretDB over `seconds` (its /debug/pprof handler), summarised
 * by `go tool pprof -top`: where the database spends its time under the chat load.
 */
export async function profileDatabase(debugAddr: string, seconds: number, dir: string): Promise<string> {
  const res = await fetch(`http://${debugAddr}/debug/pprof/profile?seconds=${seconds}`);
  if (!res.ok) return `FerretDB profile: the debug handler answered ${res.status}`;
  const file = join(dir, `ferretdb-${Date.now()}.pprof`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const top = (cumulative: boolean) =>
    execFileSync('go', ['tool', 'pprof', '-top', ...(cumulative ? ['-cum'] : []), '-nodecount=25', ferretdbBinary(), file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  return `\nFerretDB CPU profile over ${seconds} s of the full phase (${file}):\n${top(false)}\nby cumulative time:\n${top(true)}`;
}
