// The contract rejects bad input by schema alone, before any handler: these checks compile the
// bundled request schemas with a JSON Schema 2020-12 validator (OpenAPI 3.1's dialect).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { specOperations } from './lib/spec-operations.ts';

const spec = JSON.parse(readFileSync(new URL('../generated/openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default export is the module object under nodenext.
(formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
ajv.addSchema({ $id: 'spec', components: spec.components });

function requestValidator(path: string, method = 'post') {
  const schema = spec.paths[path][method].requestBody.content['application/json'].schema;
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/'));
  return ajv.compile(rewritten);
}

describe('the contract rejects bad input by schema alone', () => {
  const sendOtp = requestValidator('/v1/auth/otp/send');
  const verifyOtp = requestValidator('/v1/auth/otp/verify');
  const stats = requestValidator('/v1/vpn/stats');
  const profile = requestValidator('/v1/user/profile', 'patch');

  it('phoneNumber_notE164_isRejected', () => {
    expect(sendOtp({ phoneNumber: '+14155552671' })).toBe(true);
    for (const phoneNumber of ['14155552671', '+1 415 555 2671', '(415) 555-2671', '+0123456789', '+1234', '+1234567890123456', '']) {
      expect(sendOtp({ phoneNumber }), phoneNumber).toBe(false);
    }
  });

  it('otp_notSixDigits_isRejected', () => {
    const sessionId = 'otp_4kT9pQ2xWm7RbN3vLc8Z';
    expect(verifyOtp({ phoneNumber: '+14155552671', otp: '123456', sessionId })).toBe(true);
    for (const otp of ['12345', '1234567', '12345a', ' 123456', '']) {
      expect(verifyOtp({ phoneNumber: '+14155552671', otp, sessionId }), otp).toBe(false);
    }
    expect(verifyOtp({ phoneNumber: '+14155552671', otp: 123456, sessionId })).toBe(false);
    // the code opens only with the sendOtp session that asked for it
    expect(verifyOtp({ phoneNumber: '+14155552671', otp: '123456' })).toBe(false);
  });

  it('byteCount_negativeOrFractional_isRejected', () => {
    const ok = { sessionId: 'vpn_5Tg7Hj9Kl2Mn4Pq6Rs8U', bytesIn: 1, bytesOut: 2, duration: 3 };
    expect(stats(ok)).toBe(true);
    expect(stats({ ...ok, bytesIn: -1 })).toBe(false);
    expect(stats({ ...ok, bytesOut: -5 })).toBe(false);
    expect(stats({ ...ok, bytesIn: 1.5 })).toBe(false);
    expect(stats({ ...ok, bytesIn: 2 ** 53 })).toBe(false);
  });

  it('unknownRequestField_isRejected', () => {
    expect(sendOtp({ phoneNumber: '+14155552671', extra: true })).toBe(false);
    expect(profile({ name: 'Amina' })).toBe(true);
    for (const field of ['role', 'subscription', 'usedData', 'id', 'phoneNumber']) {
      expect(profile({ name: 'Amina', [field]: 'x' }), field).toBe(false);
    }
  });

  it('everyRequestSchema_isClosed', () => {
    const open: string[] = [];
    for (const { path, method, operation } of specOperations<Record<string, any>>(spec)) {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema && schema.additionalProperties !== false) open.push(`${method.toUpperCase()} ${path}`);
    }
    expect(open).toEqual([]);
  });
});
