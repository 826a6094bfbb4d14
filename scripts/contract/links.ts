// Writes the spec Schemathesis reads: every link's `x-request-body` becomes `requestBody`.
// The contract keeps link bodies in the extension because OpenAPI Generator's parser refuses a
// non-string `requestBody` in a link (the bundles must validate there); Schemathesis needs the
// standard field to fill the linked request's body in the stateful phase.
// Usage: node scripts/contract/links.ts <openapi.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { specOperations } from '../lib/spec-operations.ts';

type Json = Record<string, unknown>;

export function withLinkBodies(spec: Json): Json {
  const copy = structuredClone(spec);
  for (const { operation } of specOperations(copy as { paths?: Record<string, Record<string, Json>> })) {
    for (const response of Object.values((operation['responses'] ?? {}) as Record<string, Json>)) {
      for (const link of Object.values((response['links'] ?? {}) as Record<string, Json>)) {
        if ('x-request-body' in link) {
          link['requestBody'] = link['x-request-body'];
          delete link['x-request-body'];
        }
      }
    }
  }
  return copy;
}

if (import.meta.main) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: links.ts <openapi.json> <out.json>');
    process.exit(2);
  }
  writeFileSync(output, JSON.stringify(withLinkBodies(JSON.parse(readFileSync(input, 'utf8')) as Json)));
}
