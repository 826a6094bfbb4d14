// The two per-request metrics (requests by operation, method and status; latency by operation),
// counted on the hot path in plain numbers and handed to prom-client only when scraped. A bound
// prom-client child re-hashes its labels on every inc() and observe() and a histogram searches
// its buckets through an object: per request that was most of what metrics cost.
import { Counter, type Aggregator, type Histogram, type MetricValueWithName, type Registry } from 'prom-client';

const BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface PerOperation {
  /** method -> status -> answered */
  answered: Map<string, Map<number, number>>;
  /** non-cumulative: observations <= BUCKETS[i] and > BUCKETS[i - 1]; the last slot is > 5 s */
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The latency histogram as the registry reads a metric (name, help, type, get): its values come
 * from the `PerOperation` records at scrape time, in prom-client's layout for a histogram.
 */
function latencyHistogram(operations: Map<string, PerOperation>) {
  const name = 'barqnet_http_request_duration_seconds';
  const bucket = `${name}_bucket`;
  const get = () => {
    const values: MetricValueWithName<string>[] = [];
    for (const [operation, o] of operations) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += o.buckets[i]!;
        values.push({ metricName: bucket, labels: { le, operation }, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { le: '+Inf', operation }, value: o.count });
      values.push({ metricName: `${name}_sum`, labels: { operation }, value: o.sum });
      values.push({ metricName: `${name}_count`, labels: { operation }, value: o.count });
    }
    const aggregator: Aggregator = 'sum';
    return Promise.resolve({ name, help: 'Time from the request line to the last byte of the answer, by operationId', type: 'histogram', values, aggregator });
  };
  return { name, get, reset: () => operations.clear() };
}

/** Registers both metrics on `registry`; the returned function counts one answered request. */
export function requestMetrics(registry: Registry): (operation: string, method: string, status: number, seconds: number) => void {
  const operations = new Map<string, PerOperation>();
  new Counter({
    name: 'barqnet_http_requests_total',
    help: 'HTTP requests answered, by operationId, method and status',
    labelNames: ['operation', 'method', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [operation, o] of operations)
        for (const [method, statuses] of o.answered) for (const [status, n] of statuses) this.inc({ operation, method, status: String(status) }, n);
    },
  });
  // prom-client types registerMetric for its own classes; the registry needs only what this has
  registry.registerMetric(latencyHistogram(operations) as unknown as Histogram);

  return (operation, method, status, seconds) => {
    let o = operations.get(operation);
    if (!o)
      operations.set(operation, (o = { answered: new Map<string, Map<number, number>>(), buckets: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 }));
    let statuses = o.answered.get(method);
    if (!statuses) o.answered.set(method, (statuses = new Map<number, number>()));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    o.buckets[i]!++;
    o.sum += seconds;
    o.count++;
  };
}
