import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/lib/paths.js';
import { PREREQUISITES, planPrerequisites } from '../../scripts/test-prerequisites.mjs';

const [chromium, redis] = PREREQUISITES;
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('test prerequisites (npm test on a fresh machine)', () => {
  it('when Chromium and Redis are installed, then nothing is done', () => {
    expect(planPrerequisites({ missing: [], isRoot: false, hasAptGet: false })).toEqual({ action: 'ready' });
  });

  it('when both are missing and the user is root with apt-get, then Debian packages are installed', () => {
    const plan = planPrerequisites({ missing: [chromium!, redis!], isRoot: true, hasAptGet: true });
    expect(plan).toEqual({
      action: 'install',
      packages: ['chromium', 'redis-server'],
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'redis-server'],
      ],
    });
  });

  it('when one is missing and the user is not root, then it stops with the exact command to run', () => {
    const plan = planPrerequisites({ missing: [redis!], isRoot: false, hasAptGet: true });
    expect(plan.action).toBe('stop');
    expect(plan.action === 'stop' && plan.command).toBe(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server',
    );
    expect(plan.action === 'stop' && plan.message).toContain(plan.action === 'stop' ? plan.command : '');
  });

  it('when there is no apt-get, then it stops and says so', () => {
    const plan = planPrerequisites({ missing: [chromium!], isRoot: true, hasAptGet: false });
    expect(plan.action === 'stop' && plan.message).toMatch(/no apt-get/);
  });

  it('when npm test runs, then the prerequisites step runs first', () => {
    expect(packageJson.scripts.pretest).toBe('node scripts/test-prerequisites.mjs');
  });
});
