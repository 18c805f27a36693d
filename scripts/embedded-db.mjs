#!/usr/bin/env node
// Builds the embedded MongoDB-compatible server (FerretDB 1.x, SQLite backend) into .cache/
// when it is missing, so that `npm start` and `npm test` work on a bare machine without
// MONGODB_URI. FerretDB comes from the Go module proxy; its module zip ships without the
// generated version file, so the module is vendored and the file written before building.
// A few upstream gaps are patched in the vendored source (scripts/ferretdb/patches/, below).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_VERSION = 'v1.24.2';

/**
 * Unified diffs against FerretDB's module source, applied in name order with `patch -p1` (each
 * file says why at its top): the _id index used by _id lookups, `_id` and `_id: {$in}` conditions
 * pushed down to that index, and `$slice` and `$sort` in `$push`. A patch that does not apply exactly stops
 * the build. Changing them means changing BUILD_ID, so that built copies are rebuilt.
 */
const PATCH_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ferretdb', 'patches');
const BUILD_ID = `${FERRETDB_VERSION}+sqlite-id-index+id-in-pushdown+push-slice+push-sort`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.cache', 'ferretdb');
const binary = join(cacheDir, 'ferretdb');
const stamp = join(cacheDir, 'version');

export function ferretdbBinaryPath() {
  return binary;
}

function isBuilt() {
  return existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === BUILD_ID;
}

/** Applies the patches to the vendored source; fails loudly when one does not apply as written. */
function applyPatches(source) {
  try {
    execFileSync('patch', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Building the embedded database needs `patch` (Debian/Ubuntu: apt-get install patch).');
  }
  execFileSync('chmod', ['-R', 'u+w', source]);
  for (const name of readdirSync(PATCH_DIR).filter((file) => file.endsWith('.patch')).sort()) {
    try {
      execFileSync('patch', ['-p1', '--forward', '--batch', '--fuzz=0', '--no-backup-if-mismatch', '-d', source, '-i', join(PATCH_DIR, name)], { stdio: 'pipe' });
    } catch (error) {
      const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
      throw new Error(`FerretDB patch does not apply: ${name}\n${output}`);
    }
  }
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
  cpSync(join(root, 'scripts', 'ferretdb'), work, { recursive: true, filter: (path) => !path.startsWith(PATCH_DIR) });
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  execFileSync('go', ['mod', 'vendor'], { cwd: work, env, stdio: 'inherit' });
  const versionFile = join(work, 'vendor/github.com/FerretDB/FerretDB/build/version/version.txt');
  chmodSync(dirname(versionFile), 0o755);
  writeFileSync(versionFile, `${FERRETDB_VERSION}\n`);
  applyPatches(join(work, 'vendor/github.com/FerretDB/FerretDB'));
  execFileSync(
    'go',
    ['build', '-mod=vendor', '-trimpath', '-o', binary, 'github.com/FerretDB/FerretDB/cmd/ferretdb'],
    { cwd: work, env: { ...env, GOFLAGS: '', CGO_ENABLED: '0' }, stdio: 'inherit' },
  );
  writeFileSync(stamp, `${BUILD_ID}\n`);
  rmSync(work, { recursive: true, force: true });
  console.log(`Embedded database ready: ${binary}`);
}

const wantsEnsure = process.argv.includes('--ensure');
if (wantsEnsure) {
  if (process.env.MONGODB_URI) process.exit(0);
  if (!isBuilt()) build();
}
