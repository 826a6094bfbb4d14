// `make mock` refuses what the server refuses: for each bad request of the table, the mock and
// the real server answer with the same status, the same error code and details naming the same
// fields, in the same envelope. Valid requests still get Prism's example answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type Running } from '../clients/typescript/test/processes.ts';
import { startHarness, type Harness } from '../server/test/harness.ts';

let mock: Running;
let server: Harness;
let serverToken: string;
beforeAll(async () => {
  [mock, server] = await Promise.all([startMock(), startHarness('sqlite')]);
  serverToken = (await server.register('+14155550101')).accessToken;
}, 90_000);
afterAll(async () => {
  await Promise.all([mock?.stop(), server?.close()]);
});

const JSON_TYPE = { 'content-type': 'application/json' };
const send = (body: string, headers: Record<string, string> = JSON_TYPE) => ({ method: 'POST', path: '/v1/auth/otp/send', headers, body });
const signedIn = (path: string) => ({ method: 'GET', path, headers: { authorization: 'TOKEN' } });

interface Bad {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const TABLE: [string, Bad, number, string][] = [
  ['malformed JSON', send('{bad json'), 400, 'VALIDATION_ERROR'],
  ['wrong content type', send('phoneNumber=+14155552671', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['unknown field', send('{"phoneNumber":"+14155552671","nickname":"x"}'), 400, 'VALIDATION_ERROR'],
  ['missing field', send('{}'), 400, 'VALIDATION_ERROR'],
  ['wrong type', send('{"phoneNumber":14155552671}'), 400, 'VALIDATION_ERROR'],
  ['phone without +', send('{"phoneNumber":"4155552671"}'), 400, 'VALIDATION_ERROR'],
  ['impossible phone', send('{"phoneNumber":"+10000000000"}'), 400, 'VALIDATION_ERROR'],
  [
    'several mistakes at once',
    { method: 'POST', path: '/v1/auth/register', headers: JSON_TYPE, body: '{"phoneNumber":1,"password":2,"extra":true}' },
    400,
    'VALIDATION_ERROR',
  ],
  ['no token', { method: 'GET', path: '/v1/vpn/locations' }, 401, 'UNAUTHORIZED'],
  ['malformed token', { method: 'GET', path: '/v1/vpn/locations', headers: { authorization: 'Bearer not a token' } }, 401, 'INVALID_TOKEN'],
  ['not a bearer token', { method: 'GET', path: '/v1/vpn/locations', headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 401, 'INVALID_TOKEN'],
  ['unknown query parameter', signedIn('/v1/vpn/locations?page=2'), 400, 'VALIDATION_ERROR'],
  ['malformed query parameter', signedIn('/v1/vpn/config?locationId=Not%20an%20id'), 400, 'VALIDATION_ERROR'],
  ['unknown path', { method: 'GET', path: '/v1/nope' }, 404, 'NOT_FOUND'],
  ['wrong method', { method: 'PUT', path: '/v1/auth/otp/send', headers: JSON_TYPE, body: '{}' }, 405, 'METHOD_NOT_ALLOWED'],
  ['huge body', send(JSON.stringify({ phoneNumber: '+14155552671', pad: 'x'.repeat(200_000) })), 413, 'PAYLOAD_TOO_LARGE'],
];

async function ask(base: string, bad: Bad, token: string) {
  const headers = { ...bad.headers };
  if (headers.authorization === 'TOKEN') headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + bad.path, { method: bad.method, headers, body: bad.body, signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { success: boolean; error: string; message: string; details?: { path: string }[] };
  return {
    status: response.status,
    success: body.success,
    error: body.error,
    fields: (body.details ?? []).map((d) => d.path).sort(),
    allow: response.headers.get('allow'),
    challenge: response.headers.get('www-authenticate'),
  };
}

describe('make mock answers bad requests as the server does', () => {
  it.each(TABLE)('%s: same status, code and fields', async (_name, bad, status, code) => {
    const fromServer = await ask(server.url, bad, serverToken);
    const fromMock = await ask(mock.url, bad, 'any-token');
    expect(fromServer).toMatchObject({ status, error: code, success: false });
    expect(fromMock).toEqual(fromServer);
  });

  it('lists every problem of a body, not only the first', async () => {
    const answer = await ask(mock.url, TABLE.find(([name]) => name === 'several mistakes at once')![1], '');
    expect(answer.fields).toEqual(['/body/extra', '/body/password', '/body/phoneNumber', '/body/verificationToken']);
  });

  it('valid requests get the example answers of the document', async () => {
    const ok = await fetch(`${mock.url}/v1/auth/otp/send`, { method: 'POST', headers: JSON_TYPE, body: '{"phoneNumber":"+14155552671"}' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ success: true, sessionId: expect.stringMatching(/^otp_/) });
    const limited = await fetch(`${mock.url}/v1/vpn/locations?__code=429`, { headers: { authorization: 'Bearer any-token' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });
});
