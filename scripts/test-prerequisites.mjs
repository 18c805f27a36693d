#!/usr/bin/env node
// Run by `npm test` before anything else (the `pretest` script): the browser and multi-instance
// suites need Debian's Chromium and Redis. When they are missing, install them if this user can
// (root with apt-get), else stop at once with the command to run. No test is ever skipped for them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** What the tests run, and the Debian package that provides it. */
export const PREREQUISITES = [
  // test/support/browser.ts launches this path (or CHROMIUM_PATH).
  { name: 'chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debianPackage: 'chromium' },
  { name: 'redis-server', debianPackage: 'redis-server' },
];

const installArgs = (packages) => ['install', '-y', '--no-install-recommends', ...packages];

/**
 * Decides what to do from what is missing and what this user may do:
 * `ready`, `install` (run these commands) or `stop` (tell the user this command).
 */
export function planPrerequisites({ missing, isRoot, hasAptGet }) {
  if (missing.length === 0) return { action: 'ready' };
  const packages = missing.map((item) => item.debianPackage);
  if (isRoot && hasAptGet) {
    return { action: 'install', packages, commands: [['apt-get', 'update'], ['apt-get', installArgs(packages)].flat()] };
  }
  const sudo = isRoot ? '' : 'sudo ';
  const command = `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const why = hasAptGet ? '' : ' (this machine has no apt-get: install the equivalent packages of your system)';
  return { action: 'stop', packages, command, message: `The tests need ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed${why}. Run:\n  ${command}\nthen \`npm test\` again.` };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function isInstalled(item) {
  return item.path ? existsSync(item.path) : onPath(item.name);
}

function main() {
  const missing = PREREQUISITES.filter((item) => !isInstalled(item));
  const plan = planPrerequisites({ missing, isRoot: process.getuid?.() === 0, hasAptGet: onPath('apt-get') });
  if (plan.action === 'ready') return;
  if (plan.action === 'stop') {
    console.error(plan.message);
    process.exit(1);
  }
  console.log(`Installing from Debian for the tests: ${plan.packages.join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) {
      console.error(`\`${command} ${args.join(' ')}\` failed; install ${plan.packages.join(' ')} by hand and run \`npm test\` again.`);
      process.exit(1);
    }
  }
  const stillMissing = PREREQUISITES.filter((item) => !isInstalled(item));
  if (stillMissing.length > 0) {
    console.error(`Still missing after installing: ${stillMissing.map((item) => item.path ?? item.name).join(', ')}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
