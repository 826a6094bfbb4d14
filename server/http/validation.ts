// Body parsing and contract validation of requests, shared by the server (app.ts) and the
// mock's front (scripts/mock.ts), so both refuse the same requests with the same codes.
import express, { type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Logger } from '../lib/logger.ts';
import { canonicalTimestamp } from '../lib/time.ts';
import { storableInput, strictlyEncoded } from './input.ts';
import type { Spec } from './spec.ts';

export interface ValidationOptions {
  bodyLimit: string;
  /** Also validate responses (development and tests); a mismatch is logged and becomes a 500. */
  validateResponses?: { logger: Logger } | false;
}

export function validateRequests(spec: Spec, options: ValidationOptions): RequestHandler[] {
  const responses = options.validateResponses;
  return [
    express.json({ limit: options.bodyLimit, strict: true, type: ['application/json', 'application/*+json'], verify: strictlyEncoded }),
    storableInput(),
    ...OpenApiValidator.middleware({
      apiSpec: structuredClone(spec.document) as never,
      // allErrors: every problem of the request, not only the first (Ajv stops at one by default).
      validateRequests: { allowUnknownQueryParameters: false, allErrors: true },
      validateResponses: responses
        ? {
            onError: (error, _body, req) => {
              responses.logger.error('response.invalid', { path: req.path, error: error.message });
              throw error;
            },
          }
        : false,
      validateSecurity: false,
      // The contract takes JSON only: no multipart parser on the request path.
      fileUploader: false,
      validateFormats: true,
      ajvFormats: { mode: 'full' },
      // After the format check, every request date-time becomes one canonical UTC string.
      serDes: [{ format: 'date-time', deserialize: canonicalTimestamp }],
      ignoreUndocumented: true,
    }),
  ];
}
