// Security headers, by helmet. API answers are JSON that no browser should render, frame or
// leak a referrer from; the Redoc page gets a policy that allows exactly its own inline scripts.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;
const LOCKED: Directives = { 'default-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"] };

function headers(directives: Directives, hstsMaxAge: number): RequestHandler {
  return fixed(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      // TLS ends at the load balancer; the header only counts on the HTTPS answers it forwards.
      strictTransportSecurity: hstsMaxAge > 0 ? { maxAge: hstsMaxAge, includeSubDomains: false, preload: false } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
    }),
  );
}

/**
 * Helmet's answer taken once: with no nonces its headers are the same on every response, and
 * setting them from one list costs a fraction of walking its dozen middlewares per request.
 * A policy that would vary per request, or that helmet refuses, fails here at start-up.
 */
function fixed(policy: RequestHandler): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const probe = {
    setHeader: (name: string, value: string) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let failure: unknown = 'helmet did not call next()';
  void policy({} as never, probe as never, (error?: unknown) => void (failure = error));
  if (failure !== undefined) throw new Error('security headers: helmet refused the policy', { cause: failure });
  return (_req, res: ServerResponse, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

export function apiHeaders(hstsMaxAge: number): RequestHandler {
  return headers(LOCKED, hstsMaxAge);
}

/** The docs page: its inline scripts by hash, styled-components' runtime styles, nothing remote. */
export function docsHeaders(html: string, hstsMaxAge: number): RequestHandler {
  const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .filter((m) => m[1])
    .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  return headers(
    {
      ...LOCKED,
      'script-src': [...new Set(hashes)],
      'style-src': ["'unsafe-inline'"],
      'img-src': ['data:'],
      'font-src': ['data:'],
    },
    hstsMaxAge,
  );
}
