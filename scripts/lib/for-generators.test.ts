// The public bundle is rewritten for client generators (for-generators.ts) while the full bundle,
// which the server validates with, keeps the exact constructs; the contract test still gets
// its link bodies (contract/links.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withLinkBodies } from '../contract/links.ts';
import { forGenerators } from './for-generators.ts';
import { specOperations } from './spec-operations.ts';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../generated/${name}`, import.meta.url), 'utf8'));
const full = read('openapi.json');
const pub = read('openapi.public.json');

describe('forGenerators', () => {
  it('forGenerators_booleanConst_becomesPlainBooleanWithTheValueInTheDescription', () => {
    expect(forGenerators({ type: 'boolean', const: true })).toEqual({ type: 'boolean', description: 'Always `true`.' });
  });

  it('forGenerators_stringConst_becomesOneValueEnum', () => {
    expect(forGenerators({ type: 'string', const: 'Bearer' })).toEqual({ type: 'string', enum: ['Bearer'] });
  });

  it('forGenerators_anyOfStringFormats_becomesString_butNullableAnyOfStays', () => {
    const ip = {
      description: 'IP',
      anyOf: [
        { type: 'string', format: 'ipv4' },
        { type: 'string', format: 'ipv6' },
      ],
    };
    const nullable = { anyOf: [{ $ref: '#/components/schemas/Timestamp' }, { type: 'null' }] };
    expect(forGenerators({ ip, nullable })).toEqual({ ip: { description: 'IP', type: 'string' }, nullable });
  });

  it('forGenerators_examplesAndLinkBodies_areLeftAlone', () => {
    const doc = { example: { const: true, type: 'boolean' }, 'x-request-body': { type: 'string', const: 'x' } };
    expect(forGenerators(doc)).toEqual(doc);
  });

  it('bundles_publicHasNoConstOrStringAnyOf_fullKeepsThemForTheServer', () => {
    expect(JSON.stringify(pub)).not.toContain('"const"');
    expect(pub.components.schemas.IpAddress).not.toHaveProperty('anyOf');
    expect(full.components.schemas.AuthResult.properties.success).toEqual({ type: 'boolean', const: true });
    expect(full.components.schemas.IpAddress.anyOf).toHaveLength(2);
  });
});

describe('withLinkBodies', () => {
  it('withLinkBodies_fullBundle_givesEveryLinkBodyBackAsRequestBody', () => {
    const links = (doc: any) =>
      specOperations<Record<string, any>>(doc).flatMap(({ operation }) =>
        Object.values(operation.responses ?? {}).flatMap((r: any) => Object.values(r.links ?? {})),
      ) as Record<string, unknown>[];
    const before = links(full).filter((link) => 'x-request-body' in link);
    expect(before.length).toBeGreaterThan(10);
    expect(links(full).some((link) => 'requestBody' in link)).toBe(false);
    const after = links(withLinkBodies(full));
    expect(after.filter((link) => 'requestBody' in link)).toHaveLength(before.length);
    expect(after.some((link) => 'x-request-body' in link)).toBe(false);
  });
});
