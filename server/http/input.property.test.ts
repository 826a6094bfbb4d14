// Property: for EVERY string and date-time field the contract accepts in a request (found by
// walking the bundled spec, not listed by hand), edge-case values never give a 5xx, and SQLite
// and PostgreSQL give the same answer.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specOperations } from '../../scripts/lib/spec-operations.ts';
import { DIALECTS } from '../db/testing.ts';
import { startHarness, type Harness } from '../test/harness.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Field {
  operationId: string;
  method: string;
  path: string;
  in: 'body' | 'query' | 'path';
  /** Where the value goes: the property path in the body, or the parameter's name. */
  at: string[];
  format: string | undefined;
  secured: boolean;
  example: unknown;
}

const spec = JSON.parse(readFileSync(new URL('../../generated/openapi.json', import.meta.url), 'utf8'));
const resolve = (s: Schema): Schema =>
  s.$ref
    ? resolve(
        s.$ref
          .slice(2)
          .split('/')
          .reduce((o: any, k) => o[k], spec),
      )
    : s;

function stringLeaves(schema: Schema, at: string[], seen: Set<Schema> = new Set()): { at: string[]; format: string | undefined }[] {
  const s = resolve(schema);
  if (seen.has(s)) return [];
  const inner = new Set(seen).add(s);
  const types = [s.type ?? []].flat();
  const found = types.includes('string') ? [{ at, format: s.format }] : [];
  for (const [key, sub] of Object.entries(s.properties ?? {})) found.push(...stringLeaves(sub, [...at, key], inner));
  if (typeof s.additionalProperties === 'object') found.push(...stringLeaves(s.additionalProperties, [...at, 'extraKey'], inner));
  if (s.items) found.push(...stringLeaves(s.items, [...at, '0'], inner));
  for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) found.push(...stringLeaves(sub, at, inner));
  return found;
}

function fields(): Field[] {
  const out: Field[] = [];
  for (const { path, method, operation: op } of specOperations<Record<string, any>>(spec)) {
    if (!op?.operationId) continue;
    const base = { operationId: op.operationId, method: method.toUpperCase(), path, secured: (op.security ?? spec.security ?? []).length > 0 };
    const body = op.requestBody?.content?.['application/json'];
    if (body) for (const leaf of stringLeaves(body.schema, [])) out.push({ ...base, ...leaf, in: 'body', example: body.example ?? {} });
    for (const p of (op.parameters ?? []).map(resolve) as any[]) {
      for (const leaf of stringLeaves(p.schema, [])) out.push({ ...base, in: p.in, at: [p.name], format: leaf.format, example: undefined });
    }
  }
  return out;
}

/** Percent-encodes like a raw client would, lone surrogates included (as their WTF-8 bytes). */
function encodeRaw(value: string): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const bytes = cp >= 0xd800 && cp <= 0xdfff ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)] : [...Buffer.from(ch)];
    out += bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
  return out;
}

/** Run on every field before the random values. */
const EDGE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\u2028',
  '\u2029',
  'مرحبا بالعالم',
  '\u202eevil',
  '👨‍👩‍👧‍👦🙂',
  'e\u0301',
  '',
  ' ',
  '\t\r\n',
  '\ufeff',
  'x'.repeat(5000),
  '🙂'.repeat(300),
];
const EDGE_TIMESTAMPS = [
  '2016-12-31T23:59:60Z',
  '2017-01-01T08:59:60.5+09:00',
  '2016-12-31T23:59:60.999999Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:30:00-01:00',
  '2025-10-14t10:30:00.123456789z',
  '2025-10-14 10:30:00+0530',
];
const edgeStrings = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
const edgeTimestamps = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 1, 1969, 1970, 2016, 9999), fc.integer({ min: 0, max: 9999 })).map((n) => String(n).padStart(4, '0')),
    month: two(1, 12),
    day: fc.oneof(two(1, 28), fc.constantFrom('29', '30', '31')),
    time: fc.oneof(
      fc.constant('23:59:60'),
      fc.tuple(two(0, 23), two(0, 59), two(0, 60)).map((t) => t.join(':')),
    ),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,12}$/)),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+14:00', '-12:00', '+05:30', '+0530'),
      fc.tuple(fc.constantFrom('+', '-'), two(0, 23), two(0, 59)).map(([s, h, m]) => `${s}${h}:${m}`),
    ),
    separator: fc.constantFrom('T', 't', ' '),
  })
  .map((t) => `${t.year}-${t.month}-${t.day}${t.separator}${t.time}${t.fraction}${t.zone}`);

function withValue(example: unknown, at: string[], value: string): unknown {
  const root: any = structuredClone(example ?? {});
  let node = root;
  for (const [i, key] of at.entries()) {
    if (i === at.length - 1) node[key] = value;
    else node = node[key] = node[key] !== null && typeof node[key] === 'object' ? node[key] : at[i + 1] === '0' ? [] : {};
  }
  return root;
}

interface Actor {
  h: Harness;
  token: string;
  refreshToken: string;
}

/** The actor's number; the examples' number (+14155552671) stays free for register and sign-in. */
const PHONE = '+14155552672';
const EXAMPLE_PHONE = '+14155552671';
const answer = (res: { status: number; body: any }) => ({
  status: res.status,
  error: res.body?.error,
  paths: res.body?.details?.map((d: { path: string }) => d.path),
});

async function verificationToken(h: Harness, phoneNumber: unknown): Promise<string | undefined> {
  const code = (await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber, testMode: true } })).body;
  return (await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber, otp: code?.testOtp, sessionId: code?.sessionId } })).body?.verificationToken;
}

/** Deletes the number's account, if any (deleteAccount wants a fresh proof: the password, or a verified code). */
async function deleteAccountOf(h: Harness, phoneNumber: string): Promise<void> {
  const token = (await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber, testMode: true } })).body?.accessToken;
  if (!token) return;
  const byPassword = await h.request('DELETE', '/v1/user/account', { token, body: { currentPassword: 'SecurePass123!' } });
  if (byPassword.status !== 200) await h.request('DELETE', '/v1/user/account', { token, body: { verificationToken: await verificationToken(h, phoneNumber) } });
}

/** Secrets the server issues are filled in fresh, so a request gets past them to the field under test. */
async function send(actor: Actor, field: Field, value: string) {
  const { h } = actor;
  let path = field.path;
  let query = '';
  let body: any;
  if (field.in === 'body') {
    body = withValue(field.example, field.at, value);
    const fill = (key: string, make: () => Promise<string | undefined>) =>
      key in body && field.at[0] !== key ? make().then((v) => v !== undefined && (body[key] = v)) : undefined;
    if ('otp' in body) {
      // one pending code: its value and the sessionId it is bound to, unless one is the field under test
      const code = (await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: body.phoneNumber, testMode: true } })).body;
      if (field.at[0] !== 'otp' && code?.testOtp) body.otp = code.testOtp;
      if (field.at[0] !== 'sessionId' && code?.sessionId) body.sessionId = code.sessionId;
    }
    await fill('verificationToken', async () => verificationToken(h, body.phoneNumber));
    await fill('refreshToken', async () => actor.refreshToken);
  } else if (field.in === 'path') {
    path = path.replace(`{${field.at[0]}}`, encodeRaw(value));
  } else {
    query = `?${field.at[0]}=${encodeRaw(value)}`;
  }
  for (const p of path.match(/\{\w+\}/g) ?? []) path = path.replace(p, 'unknown-id');
  const res = await h.request(field.method, path + query, { token: field.secured ? actor.token : undefined, ...(body === undefined ? {} : { body }) });
  if (field.at[0] === 'refreshToken' || field.operationId === 'refreshToken') actor.refreshToken = res.body?.refreshToken ?? actor.refreshToken;
  return res;
}

const LIMITS = {
  IP_RATE_LIMIT_PER_MINUTE: '1000000',
  USER_RATE_LIMIT_PER_MINUTE: '1000000',
  OTP_SEND_LIMIT_PER_HOUR: '1000000',
  OTP_SEND_LIMIT_PER_IP_PER_HOUR: '1000000',
  LOGIN_MAX_FAILURES: '1000000',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
};

describe(`every request string and date-time field, edge cases, on ${DIALECTS.join(' and ')}`, () => {
  const harnesses: Harness[] = [];
  beforeAll(async () => {
    for (const dialect of DIALECTS) harnesses.push(await startHarness(dialect, LIMITS));
  });
  afterAll(async () => Promise.all(harnesses.map((h) => h.close())));

  const all = fields();
  it('the walk finds the fields (a sanity floor, not a list)', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((f) => f.format === 'date-time')).toBe(true);
    expect(all.some((f) => f.in === 'path') && all.some((f) => f.in === 'query')).toBe(true);
  });

  for (const field of all) {
    it(`${field.operationId} ${field.in}:${field.at.join('.')}${field.format ? ` (${field.format})` : ''}`, async () => {
      // A fresh account per field on every database: what one field's runs change stays theirs.
      const actors: Actor[] = [];
      for (const h of harnesses) {
        for (const phoneNumber of [PHONE, EXAMPLE_PHONE]) await deleteAccountOf(h, phoneNumber);
        const signedIn = await h.register(PHONE, { password: 'SecurePass123!', deviceId: 'android-installation-id-123' });
        actors.push({ h, token: signedIn.accessToken, refreshToken: signedIn.refreshToken });
      }
      const values = field.format === 'date-time' ? fc.oneof(edgeTimestamps, edgeStrings) : edgeStrings;
      await fc.assert(
        fc.asyncProperty(values, async (value) => {
          const answers = [];
          for (const actor of actors) {
            const res = await send(actor, field, value);
            expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
            answers.push(answer(res));
          }
          for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
        }),
        {
          numRuns: field.format === 'date-time' ? 60 : 12,
          examples: [...EDGE_STRINGS, ...(field.format === 'date-time' ? EDGE_TIMESTAMPS : [])].map((v) => [v] as [string]),
        },
      );
    }, 120_000);
  }
});
