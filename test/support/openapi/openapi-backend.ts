import { readFileSync } from 'node:fs';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend, type Document, type Handler } from 'openapi-backend';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
const addFormats = addFormatsModule.default;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A body schema that lists properties and says nothing of others is taken as closed: the real
 * APIs refuse unknown parameters, so the fakes do too.
 */
function closeRequestBodies(definition: JsonObject): JsonObject {
  for (const item of Object.values(isObject(definition.paths) ? definition.paths : {})) {
    for (const operation of Object.values(isObject(item) ? item : {})) {
      const content = isObject(operation) && isObject(operation.requestBody) ? operation.requestBody.content : undefined;
      for (const media of Object.values(isObject(content) ? content : {})) {
        const schema = isObject(media) ? media.schema : undefined;
        if (isObject(schema) && isObject(schema.properties) && !('additionalProperties' in schema)) schema.additionalProperties = false;
      }
    }
  }
  return definition;
}

/**
 * openapi-backend over one of the shared API descriptions: routes requests by operationId and
 * validates path, query and body (form values arrive as strings, so they are coerced per schema).
 */
export async function openApiBackend(specFile: string, handlers: Record<string, Handler>): Promise<OpenAPIBackend> {
  const definition = closeRequestBodies(JSON.parse(readFileSync(specFile, 'utf8')) as JsonObject) as unknown as Document;
  const api = new OpenAPIBackend({
    definition,
    quick: true,
    strict: false,
    ajvOpts: { coerceTypes: 'array', strict: false, logger: false },
    customizeAjv: (ajv) => {
      addFormats(ajv);
      // Twilio's vendor format: E.164 or a channel address (whatsapp:+1…).
      ajv.addFormat('phone-number', /^[a-z]+:.+|^\+?[0-9]{3,16}$/);
      return ajv;
    },
    handlers,
  });
  // The fakes check credentials themselves, before routing; the description's schemes are met.
  const schemes = (definition as { components?: { securitySchemes?: Record<string, unknown> } }).components?.securitySchemes ?? {};
  for (const scheme of Object.keys(schemes)) api.registerSecurityHandler(scheme, () => true);
  await api.init();
  return api;
}
