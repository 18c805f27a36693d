import { join, resolve } from 'node:path';
import { projectRoot } from '../../../src/lib/paths.js';
import { createSchemaCompiler, isStringEncodedMediaType, type OperationValidators } from './schema-compiler.js';
import { matchPath, readSpecDocument, type SpecOperation } from './spec-document.js';

export interface SpecRequest {
  method: string;
  /** Path as the API sees it, e.g. `/v1/Conversations/CH123` (after `basePath`, if given, is removed). */
  path: string;
  query: Record<string, string | string[]>;
  contentType?: string;
  /** Parsed body: a flat string record for form bodies (repeated keys as arrays), any JSON value otherwise. */
  body?: unknown;
}

export type SpecCheck =
  | { ok: true; operationId: string; pathTemplate: string; pathParams: Record<string, string> }
  | { ok: false; status: 400 | 404 | 405 | 415; errors: string[] };

export type FailedSpecCheck = Extract<SpecCheck, { ok: false }>;

export interface SpecValidator {
  check(request: SpecRequest): SpecCheck;
}

export interface SpecValidatorOptions {
  /** A prefix the fake is mounted under (e.g. `/twilio`); requests outside it are 404. */
  basePath?: string;
}

const specsDir = () => join(projectRoot, '..', 'shared', 'specs');
export const twilioConversationsSpecPath = (): string => join(specsDir(), 'twilio_conversations_v1.json');
export const deeplSpecPath = (): string => join(specsDir(), 'deepl_openapi.yaml');

const fail = (status: FailedSpecCheck['status'], ...errors: string[]): FailedSpecCheck => ({ ok: false, status, errors });

function stripBasePath(path: string, basePath: string): string | undefined {
  const prefix = basePath.replace(/\/+$/, '');
  if (prefix === '') return path;
  if (path === prefix) return '/';
  return path.startsWith(prefix + '/') ? path.slice(prefix.length) : undefined;
}

/** Lower-case media type without parameters (`; charset=utf-8`). */
const mediaTypeOf = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() || undefined;

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}

function pickMediaType(operation: SpecOperation, mediaType: string): string | undefined {
  const offered = Object.keys(operation.requestBody?.content ?? {});
  const [type] = mediaType.split('/');
  return [mediaType, `${type}/*`, '*/*'].find((candidate) => offered.includes(candidate));
}

function checkBody(operation: SpecOperation, validators: OperationValidators, request: SpecRequest): string[] | FailedSpecCheck {
  const requestBody = operation.requestBody;
  const mediaType = mediaTypeOf(request.contentType);
  const empty = isEmptyBody(request.body);
  if (!requestBody) return empty ? [] : fail(400, `${operation.operationId} takes no request body`);
  if (mediaType === undefined && empty) {
    if (requestBody.required) return fail(400, 'body: is required');
    // A form post with nothing to send may omit its content type; its required fields still apply.
    if (!('application/x-www-form-urlencoded' in requestBody.content)) return [];
  }
  // Only an empty body may come without a content type (then it is an empty form, as above).
  const offered = pickMediaType(operation, mediaType ?? (empty ? 'application/x-www-form-urlencoded' : '(none)'));
  if (offered === undefined) {
    const accepted = Object.keys(requestBody.content).join(', ');
    return fail(415, `content type ${mediaType ?? '(none)'} is not accepted; the spec accepts ${accepted}`);
  }
  const validate = validators.body(offered);
  if (validate === undefined) return [];
  return validate(empty && isStringEncodedMediaType(offered) ? {} : request.body);
}

function checkOperation(operation: SpecOperation, validators: OperationValidators, request: SpecRequest, pathParams: Record<string, string>): SpecCheck {
  const errors = validators.parameters(pathParams, request.query);
  const bodyResult = checkBody(operation, validators, request);
  if (!Array.isArray(bodyResult)) return bodyResult;
  errors.push(...bodyResult);
  if (errors.length > 0) return fail(400, ...errors);
  return { ok: true, operationId: operation.operationId, pathTemplate: operation.pathTemplate, pathParams };
}

function createSpecValidator(specFile: string): SpecValidator {
  const document = readSpecDocument(specFile);
  const validatorsFor = createSchemaCompiler(document);
  return {
    check(request) {
      const matches = matchPath(document, request.path);
      if (matches.length === 0) return fail(404, `${request.path} is not a path of ${document.file}`);
      const method = request.method.toUpperCase();
      const match = matches.find((candidate) => candidate.template.operations.has(method));
      const operation = match?.template.operations.get(method);
      if (!match || !operation) {
        const allowed = [...new Set(matches.flatMap((candidate) => [...candidate.template.operations.keys()]))];
        return fail(405, `${method} is not allowed on ${matches[0]?.template.template}; allowed: ${allowed.join(', ')}`);
      }
      return checkOperation(operation, validatorsFor(operation), request, match.pathParams);
    },
  };
}

function withBasePath(validator: SpecValidator, basePath: string): SpecValidator {
  return {
    check(request) {
      const path = stripBasePath(request.path, basePath);
      if (path === undefined) return fail(404, `${request.path} is outside ${basePath}`);
      return validator.check({ ...request, path });
    },
  };
}

const validators = new Map<string, SpecValidator>();

/** One parse per spec file per process; schemas compile on first use of each operation. */
export function loadSpecValidator(specFile: string, options: SpecValidatorOptions = {}): SpecValidator {
  const file = resolve(specFile);
  let validator = validators.get(file);
  if (!validator) {
    validator = createSpecValidator(file);
    validators.set(file, validator);
  }
  return options.basePath ? withBasePath(validator, options.basePath) : validator;
}
