import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isObject, resolveLocalRef, type JsonObject, type SpecDocument, type SpecOperation } from './spec-document.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
const addFormats = addFormatsModule.default;

const SPEC_ID = 'https://spec.invalid/openapi.json';

/** Form and query values arrive as strings (repeated keys as arrays), so they are coerced per schema. */
export type ValueSource = 'strings' | 'json';

function createAjv(document: SpecDocument, source: ValueSource): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes: source === 'strings' ? 'array' : false,
    // Vendor formats (phone-number, uri-map...) are unknown to ajv: ignore them quietly.
    logger: { log: () => undefined, warn: () => undefined, error: console.error },
  });
  addFormats(ajv);
  ajv.addSchema({ components: document.raw.components ?? {} }, SPEC_ID);
  return ajv;
}

/** Points the spec's local refs at the registered components document. */
function rebaseRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebaseRefs);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) =>
      key === '$ref' && typeof child === 'string' && child.startsWith('#/') ? [key, SPEC_ID + child] : [key, rebaseRefs(child)],
    ),
  );
}

/**
 * A body schema that lists properties without saying anything about others is taken as closed:
 * the real APIs reject unknown parameters, and the fakes should too.
 */
function closeTopLevel(schema: JsonObject): JsonObject {
  const composed = 'allOf' in schema || 'oneOf' in schema || 'anyOf' in schema;
  if (!isObject(schema.properties) || 'additionalProperties' in schema || composed) return schema;
  return { ...schema, additionalProperties: false };
}

function parameterGroupSchema(document: SpecDocument, operation: SpecOperation, location: 'path' | 'query'): JsonObject {
  const parameters = operation.parameters.filter((parameter) => parameter.in === location);
  const properties = Object.fromEntries(
    parameters.map((parameter) => [parameter.name, resolveLocalRef(document.raw, parameter.schema ?? { type: 'string' })]),
  );
  const required = parameters.filter((parameter) => parameter.required || location === 'path').map((p) => p.name);
  // Path values come from the template itself, so only query parameters can be unknown.
  return { type: 'object', properties, required, additionalProperties: location === 'path' };
}

/** Returns the problems found, as readable messages; an empty list means the data fits. */
export type DataValidator = (data: unknown) => string[];

export interface OperationValidators {
  parameters(path: Record<string, string>, query: Record<string, string | string[]>): string[];
  body(mediaType: string): DataValidator | undefined;
}

function isBooleanSchema(document: SpecDocument, schema: unknown): boolean {
  const resolved = resolveLocalRef(document.raw, schema);
  return isObject(resolved) && resolved.type === 'boolean';
}

/**
 * Copies string-encoded values (form, query) and reads `1`/`0` as booleans where the schema wants
 * one: DeepL's clients send `show_billed_characters=1`, which ajv's coercion alone refuses.
 */
function normalizeStrings(document: SpecDocument, schema: JsonObject, data: unknown): unknown {
  if (!isObject(data)) return data;
  const properties = isObject(schema.properties) ? schema.properties : {};
  return Object.fromEntries(
    Object.entries(data).map(([name, value]) => {
      const flag = value === '1' || value === '0';
      return [name, flag && isBooleanSchema(document, properties[name]) ? value === '1' : value];
    }),
  );
}

/** Compiles lazily and caches, so a large spec costs only the operations a test touches. */
export function createSchemaCompiler(document: SpecDocument): (operation: SpecOperation) => OperationValidators {
  const ajvs = new Map<ValueSource, Ajv>();
  const ajvFor = (source: ValueSource) => ajvs.get(source) ?? ajvs.set(source, createAjv(document, source)).get(source)!;
  const cache = new Map<SpecOperation, OperationValidators>();

  const build = (operation: SpecOperation): OperationValidators => {
    const path = parameterGroupSchema(document, operation, 'path');
    const query = parameterGroupSchema(document, operation, 'query');
    const validate = ajvFor('strings').compile(rebaseRefs({ type: 'object', properties: { path, query } }) as JsonObject);
    const parameters = (pathValues: Record<string, string>, queryValues: Record<string, string | string[]>) => {
      const data = { path: { ...pathValues }, query: normalizeStrings(document, query, queryValues) };
      return validate(data) ? [] : describeErrors('', validate.errors);
    };
    const bodies = new Map<string, DataValidator | undefined>();
    const body = (mediaType: string) => {
      if (!bodies.has(mediaType)) bodies.set(mediaType, compileBody(document, operation, mediaType, ajvFor));
      return bodies.get(mediaType);
    };
    return { parameters, body };
  };
  return (operation) => cache.get(operation) ?? cache.set(operation, build(operation)).get(operation)!;
}

function compileBody(
  document: SpecDocument,
  operation: SpecOperation,
  mediaType: string,
  ajvFor: (source: ValueSource) => Ajv,
): DataValidator | undefined {
  const schema = operation.requestBody?.content[mediaType]?.schema;
  if (schema === undefined) return undefined;
  const resolved = resolveLocalRef(document.raw, schema);
  if (!isObject(resolved)) return undefined;
  const strings = isStringEncodedMediaType(mediaType);
  const validate = ajvFor(strings ? 'strings' : 'json').compile(rebaseRefs(closeTopLevel(resolved)) as JsonObject);
  return (data) => {
    // Never coerce the caller's object in place: the fake reads the body as it was sent.
    const prepared = strings ? normalizeStrings(document, resolved, data) : data;
    return validate(prepared) ? [] : describeErrors('body', validate.errors);
  };
}

export function isStringEncodedMediaType(mediaType: string): boolean {
  return mediaType === 'application/x-www-form-urlencoded' || mediaType === 'multipart/form-data';
}

/** "body.Bogus: is not a parameter of this operation" style messages, one per problem. */
export function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const location = (where + error.instancePath.replace(/\//g, '.')).replace(/^\./, '') || 'request';
    if (error.keyword === 'additionalProperties') {
      return `${location}.${String(error.params.additionalProperty)}: is not allowed by the spec`;
    }
    if (error.keyword === 'required') return `${location}.${String(error.params.missingProperty)}: is required`;
    if (error.keyword === 'enum') {
      return `${location}: must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    }
    return `${location}: ${error.message ?? 'is invalid'}`;
  });
}
