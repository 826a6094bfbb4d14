// Admission to a fixed number of slots, fair between clients. Each client waits in a FIFO of its
// own and a freed slot goes to the next client in round-robin order, so a job from one address
// waits behind at most one job of each other waiting address, not behind a whole flood; a cap
// per client keeps one address from filling the shared queue.
import { RateLimitedError, UnavailableError } from './errors.ts';

export interface FairQueueOptions {
  /** jobs running at once */
  concurrency: number;
  /** jobs waiting, over all clients: beyond it 503 */
  queueLimit: number;
  /** jobs waiting from one client: beyond it 429 */
  perClientLimit: number;
  /** told of every job that has to wait, and of every one refused */
  observe?: { waited(): void; refused(): void } | undefined;
}

export function createFairQueue(options: FairQueueOptions) {
  let running = 0;
  let queued = 0;
  // Map order is the round-robin ring: a served client is deleted and re-added at the back.
  const waiting = new Map<string, (() => void)[]>();

  function handOn(): void {
    const first = waiting.entries().next();
    if (first.done) {
      running--;
      return;
    }
    const [client, jobs] = first.value;
    waiting.delete(client);
    if (jobs.length > 1) waiting.set(client, jobs);
    queued--;
    jobs.shift()!(); // the slot passes to that job: `running` is unchanged
  }

  async function run<T>(client: string, work: () => Promise<T>): Promise<T> {
    if (running < options.concurrency) {
      running++;
    } else {
      const jobs = waiting.get(client) ?? [];
      if (jobs.length >= options.perClientLimit || queued >= options.queueLimit) options.observe?.refused();
      if (jobs.length >= options.perClientLimit) throw new RateLimitedError(1, 'Too many password checks from this address at once; retry shortly');
      if (queued >= options.queueLimit) throw new UnavailableError('The server is busy; retry shortly', 1);
      options.observe?.waited();
      await new Promise<void>((resolve) => {
        jobs.push(resolve);
        if (jobs.length === 1) waiting.set(client, jobs);
        queued++;
      });
    }
    try {
      return await work();
    } finally {
      handOn();
    }
  }

  return { run, stats: () => ({ running, waiting: queued }) };
}
