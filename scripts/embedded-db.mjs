#!/usr/bin/env node
// Builds the embedded MongoDB-compatible server (FerretDB 1.x, SQLite backend) into .cache/
// when it is missing, so that `npm start` and `npm test` work on a bare machine without
// MONGODB_URI. FerretDB comes from the Go module proxy; its module zip ships without the
// generated version file, so the module is vendored and the file written before building.
// One upstream performance bug is patched in the vendored source (PATCHES below).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_VERSION = 'v1.24.2';

/**
 * FerretDB 1.x's SQLite backend indexes _id as `_ferretdb_sjson->"_id"` but looks documents up
 * by `_ferretdb_sjson->'$._id'`, an expression SQLite does not match to that index: every find,
 * update and delete by _id scanned the whole table (EXPLAIN QUERY PLAN: SCAN). Using the index's
 * own expression makes them index searches. Results are the same (both expressions return the
 * same JSON, and FerretDB filters the rows again itself). Related upstream: FerretDB#3340.
 */
const PATCHES = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
  },
];
const BUILD_ID = `${FERRETDB_VERSION}+sqlite-id-index`;
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

/** Applies PATCHES to the vendored source; fails loudly when the source is not what they expect. */
function applyPatches(source) {
  for (const patch of PATCHES) {
    const file = join(source, patch.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(patch.from)) throw new Error(`FerretDB patch does not apply: ${patch.file} lacks ${patch.from}`);
    chmodSync(file, 0o644);
    writeFileSync(file, text.replace(patch.from, patch.to));
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
  cpSync(join(root, 'scripts', 'ferretdb'), work, { recursive: true });
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
