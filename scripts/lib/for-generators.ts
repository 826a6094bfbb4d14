// The public bundle in the plain JSON Schema that every client generator maps to a native type
// (OpenAPI Generator's Kotlin, Java, Swift, Dart, Python; see openapi/README.md). The full bundle,
// which the server validates with, keeps the exact constructs; only these are rewritten here:
//   - `const: true|false` on a boolean     -> plain `type: boolean` (the value goes to the description)
//   - `const: "x"` on a string             -> `enum: ["x"]`
//   - `anyOf`/`oneOf` of plain strings that differ only in `format` (IpAddress) -> `type: string`
// Examples and link bodies are data, not schemas, and are left alone.
type Json = Record<string, unknown>;
const DATA_KEYS = new Set(['example', 'examples', 'x-request-body']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPlainString = (branch: unknown) =>
  isObject(branch) && branch['type'] === 'string' && Object.keys(branch).every((key) => key === 'type' || key === 'format');

function rewrite(schema: Json): void {
  if (typeof schema['const'] === 'boolean' && schema['type'] === 'boolean') {
    const value = schema['const'];
    delete schema['const'];
    schema['description'] = [schema['description'], `Always \`${value}\`.`].filter(Boolean).join(' ');
  } else if (typeof schema['const'] === 'string' && schema['type'] === 'string') {
    schema['enum'] = [schema['const']];
    delete schema['const'];
  }
  for (const key of ['anyOf', 'oneOf']) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0 && branches.every(isPlainString)) {
      delete schema[key];
      schema['type'] = 'string';
    }
  }
}

function walk(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(walk);
  } else if (isObject(node)) {
    rewrite(node);
    for (const [key, value] of Object.entries(node)) if (!DATA_KEYS.has(key)) walk(value);
  }
}

export function forGenerators<T>(doc: T): T {
  const copy = structuredClone(doc);
  walk(copy);
  return copy;
}
