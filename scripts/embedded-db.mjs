#!/usr/bin/env node
// Builds the embedded MongoDB-compatible server (FerretDB 1.x, SQLite backend) into .cache/
// when it is missing, so that `npm start` and `npm test` work on a bare machine without
// MONGODB_URI. FerretDB comes from the Go module proxy; its module zip ships without the
// generated version file, so the module is vendored and the file written before building.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_VERSION = 'v1.24.2';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.cache', 'ferretdb');
const binary = join(cacheDir, 'ferretdb');
const stamp = join(cacheDir, 'version');

export function ferretdbBinaryPath() {
  return binary;
}

function isBuilt() {
  return existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === FERRETDB_VERSION;
}

function build() {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    console.error(
      'The embedded database needs Go to build FerretDB (https://go.dev/dl/), ' +
        'or set MONGODB_URI to use your own MongoDB.',
    );
    process.exit(1);
  }
  console.log(`Building the embedded database (FerretDB ${FERRETDB_VERSION}); this happens once…`);
  const work = join(cacheDir, 'build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(root, 'scripts', 'ferretdb'), work, { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  execFileSync('go', ['mod', 'vendor'], { cwd: work, env, stdio: 'inherit' });
  const versionFile = join(work, 'vendor/github.com/FerretDB/FerretDB/build/version/version.txt');
  chmodSync(dirname(versionFile), 0o755);
  writeFileSync(versionFile, `${FERRETDB_VERSION}\n`);
  execFileSync(
    'go',
    ['build', '-mod=vendor', '-trimpath', '-o', binary, 'github.com/FerretDB/FerretDB/cmd/ferretdb'],
    { cwd: work, env: { ...env, GOFLAGS: '', CGO_ENABLED: '0' }, stdio: 'inherit' },
  );
  writeFileSync(stamp, `${FERRETDB_VERSION}\n`);
  rmSync(work, { recursive: true, force: true });
  console.log(`Embedded database ready: ${binary}`);
}

const wantsEnsure = process.argv.includes('--ensure');
if (wantsEnsure) {
  if (process.env.MONGODB_URI) process.exit(0);
  if (!isBuilt()) build();
}
