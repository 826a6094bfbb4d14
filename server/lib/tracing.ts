// OpenTelemetry traces, off unless the standard OTEL_* variables ask for them (config.ts
// `tracing`). Spans are made by hand at three seams — the HTTP request, each database statement
// and transaction, the SMS call — rather than by monkey-patching instrumentations, which need a
// loader hook under ESM; with tracing off none of these wrappers is even installed.
// @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
// @see https://opentelemetry.io/docs/specs/semconv/database/database-spans/
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { RequestHandler } from 'express';
import type { Db, Queryable, Tx } from '../db/index.ts';
import type { SmsSender } from '../sms/sms.ts';

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Starts the official Node SDK for traces only (the metrics are prom-client's, the logs pino's).
 * Exporter, endpoint, sampler and resource come from OTEL_* as the SDK reads them; a test passes
 * its own span processors.
 */
export async function startTracing(options: { spanProcessors?: NodeSDKConfiguration['spanProcessors'] } = {}): Promise<Tracing> {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: 'barqnet-api', instrumentations: [], metricReaders: [], logRecordProcessors: [], ...options });
  sdk.start();
  return { tracer: trace.getTracer('barqnet-api'), shutdown: () => sdk.shutdown() };
}

function ended(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** Runs `work` in a child span of the active one; the span fails when `work` rejects. */
async function inSpan<T>(tracer: Tracer, name: string, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      const value = await work();
      ended(span);
      return value;
    } catch (error) {
      ended(span, error);
      throw error;
    }
  });
}

/** The server span of each request, continuing a W3C `traceparent` when the caller sent one. */
export function traceRequests(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } }, parent);
    res.once('close', () => {
      if (req.operationId) {
        span.updateName(`${req.method} ${req.operationId}`);
        span.setAttribute('barqnet.operation_id', req.operationId);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** `db` with a span per statement, per transaction and per lock (the ones inside nest under it). */
export function tracedDb(db: Db, tracer: Tracer): Db {
  const system = { 'db.system.name': db.dialect === 'postgres' ? 'postgresql' : 'sqlite' };
  const statement = (sql: string) => ({ ...system, 'db.query.text': sql });
  const name = (sql: string) => sql.trimStart().split(/\s/, 1)[0]!.toUpperCase();
  const statements = (q: Queryable): Queryable => ({
    dialect: q.dialect,
    all: (sql, params) => inSpan(tracer, name(sql), statement(sql), () => q.all(sql, params)),
    one: (sql, params) => inSpan(tracer, name(sql), statement(sql), () => q.one(sql, params)),
    run: (sql, params) => inSpan(tracer, name(sql), statement(sql), () => q.run(sql, params)),
  });
  const tracedTx = (tx: Tx): Tx => ({
    ...statements(tx),
    // a wait for another transaction shows as its own span
    lock: (key) => inSpan(tracer, 'LOCK', system, () => tx.lock(key)),
    afterCommit: (fn) => tx.afterCommit(fn),
    notify: (channel, payload) => tx.notify(channel, payload),
  });
  const traced: Db = {
    ...statements(db),
    transaction: (fn) => inSpan(tracer, 'TRANSACTION', system, () => db.transaction((tx) => fn(tracedTx(tx)))),
    listen: (channel, handlers) => db.listen(channel, handlers),
    notify: (channel, payload) => db.notify(channel, payload),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  if (db.observe) traced.observe = (observer) => db.observe!(observer);
  if (db.poolStats) traced.poolStats = () => db.poolStats!();
  return traced;
}

/** `sms` with a span per message sent (the number and text stay out of the span: secrets). */
export function tracedSms(sms: SmsSender, tracer: Tracer, provider: string): SmsSender {
  return { ...sms, send: (to, text) => inSpan(tracer, 'sms send', { 'barqnet.sms.provider': provider }, () => sms.send(to, text)) };
}
