#!/usr/bin/env node
// Builds what the app serves and runs:
//   (default)     assets + server (TypeScript → dist/)
//   --assets      Tailwind CSS → public/css/app.css, browser TypeScript → public/js/ (esbuild)
//   --if-missing  build only when an output is missing (used by `npm start`)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
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

// The chat widget: its frame app shares chunks with the pages; the loader (widget.js) stands alone.
const widgetFrameEntry = join(root, 'client', 'widget', 'frame.ts');
const widgetLoaderEntry = join(root, 'client', 'widget', 'loader.ts');
const widgetLoaderOut = join(jsOutDir, 'widget.js');
const WIDGET_LOADER_MAX_GZIP = 10 * 1024;

function buildCss() {
  execFileSync(bin('tailwindcss'), ['-i', join(root, 'styles', 'app.css'), '-o', cssOut, '--minify'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function buildClient() {
  const pages = clientEntries();
  if (pages.length === 0) return;
  const entryPoints = Object.fromEntries(pages.map((file) => [basename(file, '.ts'), file]));
  if (existsSync(widgetFrameEntry)) entryPoints['widget-frame'] = widgetFrameEntry;
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
  await buildWidgetLoader();
}

/** widget.js runs on other sites' pages: one small classic script, its gzipped size printed and capped. */
async function buildWidgetLoader() {
  if (!existsSync(widgetLoaderEntry)) return;
  await esbuild.build({
    entryPoints: [widgetLoaderEntry],
    outfile: widgetLoaderOut,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    logLevel: 'warning',
  });
  const source = readFileSync(widgetLoaderOut);
  const gzipped = gzipSync(source, { level: 9 }).length;
  console.log(`widget.js: ${source.length} bytes, ${gzipped} bytes gzipped (limit ${WIDGET_LOADER_MAX_GZIP})`);
  if (gzipped > WIDGET_LOADER_MAX_GZIP) {
    console.error(`widget.js is ${gzipped} bytes gzipped, over the ${WIDGET_LOADER_MAX_GZIP}-byte limit.`);
    process.exit(1);
  }
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
