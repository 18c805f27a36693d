#!/usr/bin/env node
// `npm run admin -- <command>`: runs the admin CLI from the built files (dist/src/admin/cli.js),
// so it needs no dev dependency where only the build is installed (the Docker image). In a
// checkout, it first rebuilds the server when src/ is newer than the build (or there is none).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const builtCli = join(root, 'dist', 'src', 'admin', 'cli.js');

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** True when `output` is missing or older than a file under `sourceDir` (absent sources: built files only). */
export function isBuildStale(sourceDir, output) {
  if (!existsSync(output)) return true;
  if (!existsSync(sourceDir)) return false;
  return newestMtimeMs(sourceDir) > statSync(output).mtimeMs;
}

async function main() {
  const sourceDir = join(root, 'src');
  if (isBuildStale(sourceDir, builtCli)) {
    if (!existsSync(sourceDir)) {
      console.error(`The admin CLI is not built (${builtCli} is missing): run \`npm run build\` first.`);
      process.exit(1);
    }
    console.error('Building the server first (src/ changed since the last build)…');
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
    } catch {
      console.error('The server did not build (see above); the admin CLI cannot run.');
      process.exit(1);
    }
  }
  await import(pathToFileURL(builtCli).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
