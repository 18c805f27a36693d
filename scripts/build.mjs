#!/usr/bin/env node
// Builds what the app serves and runs:
//   (default)     assets + server (TypeScript → dist/)
//   --assets      Tailwind CSS → public/css/app.css, browser TypeScript → public/js/ (esbuild)
//   --if-missing  build only when an output is missing (used by `npm start`)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const args = new Set(process.argv.slice(2));
const cssOut = join(root, 'public', 'css', 'app.css');
const jsOutDir = join(root, 'public', 'js');
const serverOut = join(root, 'dist', 'src', 'server.js');

function clientEntries() {
  const dir = join(root, 'client', 'pages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

function buildCss() {
  execFileSync(bin('tailwindcss'), ['-i', join(root, 'styles', 'app.css'), '-o', cssOut, '--minify'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function buildClient() {
  const entryPoints = clientEntries();
  if (entryPoints.length === 0) return;
  await esbuild.build({
    entryPoints,
    outdir: jsOutDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
}

function buildServer() {
  execFileSync(bin('tsc'), ['-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}

const assetsMissing = !existsSync(cssOut) || (clientEntries().length > 0 && !existsSync(jsOutDir));
const serverMissing = !existsSync(serverOut);

if (args.has('--assets')) {
  buildCss();
  await buildClient();
} else if (args.has('--if-missing')) {
  if (assetsMissing) {
    buildCss();
    await buildClient();
  }
  if (serverMissing) buildServer();
} else {
  buildCss();
  await buildClient();
  buildServer();
}
