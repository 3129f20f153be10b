/**
 * Form fields derived from an analysis's zod parameter schema (through its JSON Schema): type,
 * range, default, title and help all come from the one schema main validates against.
 */
import { z } from 'zod';

export interface Field {
  key: string;
  title: string;
  help: string;
  kind: 'number' | 'integer' | 'enum' | 'boolean' | 'string';
  nullable: boolean;
  min?: number;
  max?: number;
  options?: string[];
  defaultValue: unknown;
}

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  title?: string;
  description?: string;
}

export function fieldsOf(schema: z.ZodObject): Field[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema> };
  return Object.entries(json.properties ?? {}).map(([key, prop]) => {
    const variants = prop.anyOf ?? [prop];
    const nullable = variants.some((v) => v.type === 'null');
    const main = variants.find((v) => v.type !== 'null') ?? {};
    const kind: Field['kind'] = main.enum
      ? 'enum'
      : main.type === 'integer'
        ? 'integer'
        : main.type === 'number'
          ? 'number'
          : main.type === 'boolean'
            ? 'boolean'
            : 'string';
    return {
      key,
      title: prop.title ?? main.title ?? key,
      help: prop.description ?? main.description ?? '',
      kind,
      nullable,
      min: main.minimum ?? main.exclusiveMinimum,
      max: main.maximum,
      options: main.enum?.map(String),
      defaultValue: prop.default ?? main.default,
    };
  });
}

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: Field[]): FormValues {
  return Object.fromEntries(
    fields.map((f) => [
      f.key,
      f.kind === 'boolean'
        ? Boolean(f.defaultValue)
        : f.defaultValue === null || f.defaultValue === undefined
          ? ''
          : String(f.defaultValue),
    ]),
  );
}

/** Form strings → parameter values; empty optional fields are left to the schema's defaults. */
export function toParams(fields: Field[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.kind === 'boolean') out[f.key] = v;
    else if (v === '') {
      if (f.nullable) out[f.key] = null;
    } else if (f.kind === 'number' || f.kind === 'integer') out[f.key] = Number(v);
    else out[f.key] = v;
  }
  return out;
}
