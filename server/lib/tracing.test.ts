// One sign-in's spans, caught by an in-memory exporter through the real SDK: one trace, the
// request's server span at the root, every statement under it or under its transaction.
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test/harness.ts';
import { createLogger } from './logger.ts';
import { startTracing, type Tracing } from './tracing.ts';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: { msg: string; traceId?: string; requestId?: string }[] = [];
  let tracing: Tracing;
  let h: Harness;
  beforeAll(async () => {
    tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    h = await startHarness('sqlite', {}, { tracer: tracing.tracer, logger: createLogger('info', (line) => void logLines.push(JSON.parse(line))) });
  });
  afterAll(async () => {
    await h.close();
    await tracing.shutdown();
  });

  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const requestSpans = async (run: () => Promise<unknown>, operation: string) => {
    exporter.reset();
    await run();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server span ends on 'close'
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name === `POST ${operation}`)!;
    expect(server, `server span of ${operation}`).toBeDefined();
    return { server, spans: spans.filter((s) => s.spanContext().traceId === server.spanContext().traceId) };
  };

  it('trace_passwordSignIn_oneTraceWithStatementsNestedUnderTheRequestAndItsTransactions', async () => {
    await h.register('+14155552671');
    const { server, spans } = await requestSpans(
      () => h.request('POST', '/v1/auth/login', { body: { phoneNumber: '+14155552671', password: 'SecurePass123', deviceId: 'laptop-0001' } }),
      'login',
    );
    expect(parentOf(server)).toBeUndefined();
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'barqnet.operation_id': 'login' });
    const ids = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const transactions = spans.filter((s) => s.name === 'TRANSACTION');
    const statements = spans.filter((s) => s.attributes['db.query.text'] !== undefined);
    expect(transactions.length).toBeGreaterThanOrEqual(2); // the attempt claim, the session
    expect(statements.length).toBeGreaterThanOrEqual(5);
    for (const tx of transactions) expect(parentOf(tx)).toBe(server.spanContext().spanId);
    for (const statement of statements) {
      const parent = ids.get(parentOf(statement)!);
      expect(parent === server || parent?.name === 'TRANSACTION', `${statement.name} ${String(statement.attributes['db.query.text'])}`).toBe(true);
      expect(statement.kind).toBe(SpanKind.CLIENT);
      expect(statement.attributes['db.system.name']).toBe('sqlite');
    }
    // each transaction holds statements, and children start and end within their parent
    for (const tx of transactions) expect(statements.some((s) => parentOf(s) === tx.spanContext().spanId)).toBe(true);
    for (const span of spans.filter((s) => s !== server)) {
      const parent = ids.get(parentOf(span)!)!;
      expect(span.startTime[0] * 1e9 + span.startTime[1]).toBeGreaterThanOrEqual(parent.startTime[0] * 1e9 + parent.startTime[1]);
    }
    // no secret reaches a span: statements carry placeholders, not values
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('SecurePass123');
  });

  it('trace_concurrentSignIns_eachStatementIsInItsOwnRequestsTrace', async () => {
    // SQLite runs the transactions of one turn in one batch: each must still run in its caller's trace
    const phones = ['+14155552681', '+14155552682', '+14155552683'];
    for (const phone of phones) await h.register(phone);
    exporter.reset();
    await Promise.all(phones.map((phoneNumber) => h.request('POST', '/v1/auth/login', { body: { phoneNumber, password: 'SecurePass123' } })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(3);
    for (const server of servers) {
      const traceId = server.spanContext().traceId;
      const mine = spans.filter((s) => s.spanContext().traceId === traceId && s.name === 'TRANSACTION');
      expect(mine.length).toBeGreaterThanOrEqual(2);
      const inner = spans.filter((s) => mine.some((tx) => parentOf(s) === tx.spanContext().spanId));
      expect(inner.length).toBeGreaterThan(0);
      for (const span of inner) expect(span.spanContext().traceId).toBe(traceId);
    }
    // every span belongs to one of the three requests
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(3);
  });

  it('trace_sendOtp_theSmsCallIsAChildOfTheRequest', async () => {
    const { server, spans } = await requestSpans(() => h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+14155552672' } }), 'sendOtp');
    const sms = spans.find((s) => s.name === 'sms send')!;
    expect(parentOf(sms)).toBe(server.spanContext().spanId);
    expect(JSON.stringify(sms.attributes)).not.toContain('+14155552672');
    // the request's log lines name its trace
    const line = logLines.filter((l) => l.msg === 'request').at(-1)!;
    expect(line.traceId).toBe(server.spanContext().traceId);
  });

  it('trace_incomingTraceparent_isContinued', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { server } = await requestSpans(
      () => h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+14155552673' }, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }),
      'sendOtp',
    );
    expect(server.spanContext().traceId).toBe(traceId);
  });
});
