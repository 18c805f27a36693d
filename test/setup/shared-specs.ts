import { existsSync } from 'node:fs';
import { deeplSpecPath, twilioConversationsSpecPath } from '../support/openapi/spec-validator.js';

/** The API descriptions the local Twilio and DeepL servers check every request against. */
export function requiredSpecFiles(): string[] {
  return [twilioConversationsSpecPath(), deeplSpecPath()];
}

/** Why the run cannot start, or undefined when every API description is in place. */
export function describeMissingSpecs(files: readonly string[], exists: (path: string) => boolean = existsSync): string | undefined {
  const missing = files.filter((file) => !exists(file));
  if (missing.length === 0) return undefined;
  return [
    'The tests need the official API descriptions (OpenAPI) of Twilio Conversations and DeepL,',
    'which the local test servers check every request against. Missing:',
    ...missing.map((file) => `  - ${file}`),
    'They are expected in the `shared/specs/` folder next to the project folder (../shared/specs/).',
  ].join('\n');
}

/**
 * Runs before anything else (first globalSetup entry): without the descriptions, a dozen test
 * files would each fail with ENOENT; one clear message is better.
 */
export default function setup(): void {
  const problem = describeMissingSpecs(requiredSpecFiles());
  if (problem) throw new Error(problem);
}
