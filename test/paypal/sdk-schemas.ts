import path from 'node:path';

/*
 * The SDK validates every request body against its own models (orderRequestSchema, refundRequestSchema, ...)
 * before sending, but keeps those schemas out of its package exports. They are loaded here from the
 * installed package's files: the very objects the SDK uses.
 */
const sdkDir = path.dirname(require.resolve('@paypal/paypal-server-sdk'));

interface ValidationError {
  path: Array<string | number>;
  message: string;
}
type Validated = { errors: false; result: unknown } | { errors: ValidationError[] };
export type SdkSchema = { readonly __sdkSchema: unique symbol };

// require by file path: the package's "exports" map hides these files from import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schemaLib = require(path.join(sdkDir, 'schema.js')) as {
  validateAndMap(json: unknown, schema: SdkSchema): Validated;
  validateAndUnmap(model: unknown, schema: SdkSchema): Validated;
};

export function sdkSchema(file: string, name: string): SdkSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const schema = (require(path.join(sdkDir, 'models', file)) as Record<string, SdkSchema | undefined>)[name];
  if (!schema) throw new Error(`The SDK has no ${name} in models/${file}`);
  return schema;
}

/** Keys (as paths) that are in `original` but missing or different in `echoed`. */
function differences(original: unknown, echoed: unknown, at = ''): string[] {
  if (original === undefined) return [];
  if (typeof original !== 'object' || original === null) return original === echoed ? [] : [`${at || '/'} (${JSON.stringify(original)} became ${JSON.stringify(echoed)})`];
  if (typeof echoed !== 'object' || echoed === null) return [`${at || '/'} is not in the model`];
  return Object.entries(original).flatMap(([key, value]) =>
    value !== undefined && !(key in echoed) ? [`${at}/${key} is not in the model`] : differences(value, (echoed as Record<string, unknown>)[key], `${at}/${key}`),
  );
}

function problems(result: Validated): string[] {
  return result.errors ? result.errors.map((e) => `/${e.path.join('/')}: ${e.message.split('\n')[0]}`) : [];
}

/**
 * Checks a value in the SDK's model shape (camelCase) the way the SDK does, then strictly: the schema's
 * object() quietly drops keys it doesn't know, so the value is mapped back and anything lost is reported.
 * Returns the problems and the JSON the SDK would send.
 */
export function checkModel(model: unknown, schema: SdkSchema): { problems: string[]; json: unknown } {
  const json = schemaLib.validateAndUnmap(model, schema);
  if (json.errors) return { problems: problems(json), json: undefined };
  const back = schemaLib.validateAndMap(json.result, schema);
  return { problems: [...problems(back), ...(back.errors ? [] : differences(model, back.result))], json: json.result };
}

/** The same, for JSON on the wire (snake_case). */
export function checkJson(json: unknown, schema: SdkSchema): string[] {
  const model = schemaLib.validateAndMap(json, schema);
  if (model.errors) return problems(model);
  const back = schemaLib.validateAndUnmap(model.result, schema);
  return [...problems(back), ...(back.errors ? [] : differences(json, back.result))];
}
