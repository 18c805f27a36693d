import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** The slice of an OpenAPI 3.0 document the validator reads; everything else is left opaque. */
export type JsonObject = Record<string, unknown>;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

export interface SpecOperation {
  operationId: string;
  pathTemplate: string;
  method: string;
  parameters: SpecParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonObject }> };
}

export interface PathTemplate {
  template: string;
  segments: string[];
  operations: Map<string, SpecOperation>;
}

export interface SpecDocument {
  file: string;
  raw: JsonObject;
  templates: PathTemplate[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `#/...` reference (only the top level: nested refs are left to ajv). */
export function resolveLocalRef(raw: JsonObject, value: unknown): unknown {
  let current = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || hops > 20) throw new Error(`unsupported $ref ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), raw);
    if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return current;
}

function readParameters(raw: JsonObject, list: unknown): SpecParameter[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry) => resolveLocalRef(raw, entry) as SpecParameter);
}

/** Operation-level parameters override path-level ones with the same name and location. */
function mergeParameters(pathLevel: SpecParameter[], operationLevel: SpecParameter[]): SpecParameter[] {
  const key = (parameter: SpecParameter) => `${parameter.in}:${parameter.name}`;
  const merged = new Map(pathLevel.map((parameter) => [key(parameter), parameter]));
  for (const parameter of operationLevel) merged.set(key(parameter), parameter);
  return [...merged.values()];
}

function readTemplate(raw: JsonObject, template: string, item: JsonObject): PathTemplate {
  const pathParameters = readParameters(raw, item.parameters);
  const operations = new Map<string, SpecOperation>();
  for (const method of HTTP_METHODS) {
    const operation = item[method];
    if (!isObject(operation)) continue;
    const requestBody = resolveLocalRef(raw, operation.requestBody) as SpecOperation['requestBody'];
    operations.set(method.toUpperCase(), {
      operationId: typeof operation.operationId === 'string' ? operation.operationId : `${method} ${template}`,
      pathTemplate: template,
      method: method.toUpperCase(),
      parameters: mergeParameters(pathParameters, readParameters(raw, operation.parameters)),
      requestBody,
    });
  }
  return { template, segments: template.split('/').filter(Boolean), operations };
}

function parseSpecText(file: string, text: string): JsonObject {
  const parsed: unknown = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  if (!isObject(parsed) || !isObject(parsed.paths)) throw new Error(`${file} is not an OpenAPI document`);
  return parsed;
}

/** Reads and indexes a spec; schemas are compiled later, per operation, on first use. */
export function readSpecDocument(file: string): SpecDocument {
  const raw = parseSpecText(file, readFileSync(file, 'utf8'));
  const templates = Object.entries(raw.paths as JsonObject)
    .filter((entry): entry is [string, JsonObject] => isObject(entry[1]))
    .map(([template, item]) => readTemplate(raw, template, item));
  return { file, raw, templates };
}

const isParameterSegment = (segment: string) => /^\{[^}]+\}$/.test(segment);

/** Literal segments beat parameters, position by position from the left. */
function compareSpecificity(left: PathTemplate, right: PathTemplate): number {
  for (let index = 0; index < left.segments.length; index++) {
    const leftParam = isParameterSegment(left.segments[index] ?? '');
    const rightParam = isParameterSegment(right.segments[index] ?? '');
    if (leftParam !== rightParam) return leftParam ? 1 : -1;
  }
  return 0;
}

export interface PathMatch {
  template: PathTemplate;
  pathParams: Record<string, string>;
}

function matchTemplate(template: PathTemplate, segments: string[]): PathMatch | undefined {
  if (template.segments.length !== segments.length) return undefined;
  const pathParams: Record<string, string> = {};
  for (const [index, expected] of template.segments.entries()) {
    const actual = segments[index] ?? '';
    if (isParameterSegment(expected)) {
      if (actual === '') return undefined;
      pathParams[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return { template, pathParams };
}

/** Every template the path fits, most specific first. */
export function matchPath(document: SpecDocument, path: string): PathMatch[] {
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  return document.templates
    .map((template) => matchTemplate(template, segments))
    .filter((match): match is PathMatch => match !== undefined)
    .sort((left, right) => compareSpecificity(left.template, right.template));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
