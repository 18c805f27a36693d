import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup, { describeMissingSpecs, requiredSpecFiles } from './shared-specs.js';
import config from '../../vitest.config.js';

describe('the shared API descriptions the tests need', () => {
  it('when a description is missing, then one message names it and where it is expected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-specs-'));
    try {
      writeFileSync(join(dir, 'deepl_openapi.yaml'), 'openapi: 3.0.0\n');
      const message = describeMissingSpecs([join(dir, 'twilio_conversations_v1.json'), join(dir, 'deepl_openapi.yaml')]);
      expect(message).toContain(join(dir, 'twilio_conversations_v1.json'));
      expect(message).not.toContain(`- ${join(dir, 'deepl_openapi.yaml')}`);
      expect(message).toContain('../shared/specs/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when every description is in place, then the run goes on', () => {
    expect(requiredSpecFiles()).toHaveLength(2);
    expect(describeMissingSpecs(requiredSpecFiles())).toBeUndefined();
    expect(() => setup()).not.toThrow();
  });

  it('when vitest starts, then the descriptions are checked first, before the database starts', () => {
    expect(config.test?.globalSetup).toEqual(['test/setup/shared-specs.ts', 'test/setup/embedded-database.ts']);
  });
});
