// Checks an API body a guide shows against the contract: every top-level field must be a property
// of the operation's response schema, and every value the guide shows in full (not elided with
// `...`) must be valid against that property's schema.
import { ROOT } from './root.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const root = ROOT;
type Node = Record<string, unknown>;
const spec = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8')) as Node;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'spec');

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const at = (pointer: string): Node =>
  pointer
    .split('/')
    .slice(1)
    .reduce<Node>((node, part) => node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')] as Node, spec);

/** JSON pointer of each property of the schema at `pointer`, following $ref and allOf. */
function properties(pointer: string, out: Record<string, string> = {}): Record<string, string> {
  const node = at(pointer);
  if (typeof node?.['$ref'] === 'string') return properties(node['$ref'].slice(1), out);
  (node?.['allOf'] as unknown[] | undefined)?.forEach((_, i) => properties(`${pointer}/allOf/${i}`, out));
  for (const key of Object.keys((node?.['properties'] as Node | undefined) ?? {})) out[key] = `${pointer}/properties/${escape(key)}`;
  return out;
}

const elided = (value: unknown): boolean =>
  (typeof value === 'string' && value.endsWith('...')) ||
  (value !== null && typeof value === 'object' && (Array.isArray(value) ? value.some(elided) : '...' in value || Object.values(value).some(elided)));

/** Problems of `body` as the answer of `method path` (the first 2xx answer when it succeeded, else the first 4xx). */
export function bodyProblems(method: string, path: string, body: Record<string, unknown>): string[] {
  const responses = at(`/paths/${escape(path)}/${method.toLowerCase()}/responses`);
  if (!responses) return [`the contract has no operation ${method} ${path}`];
  const status = Object.keys(responses).find((s) => (body['success'] === true ? s.startsWith('2') : s.startsWith('4')));
  if (!status) return [`${method} ${path} declares no ${body['success'] === true ? '2xx' : '4xx'} answer`];
  const props = properties(`/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const pointer = props[key];
    if (!pointer) {
      problems.push(`"${key}" is not a property of the ${method} ${path} ${status} answer`);
      continue;
    }
    if (elided(value)) continue;
    const validate = ajv.getSchema(`spec#${pointer}`) ?? ajv.compile({ $ref: `spec#${pointer}` });
    if (!validate(value)) problems.push(`"${key}": ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}
