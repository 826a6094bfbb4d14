// The hash queue is fair between client addresses: one address's flood of sign-ins must not make
// everyone else wait behind it. A fake key derivation finishes only when the test says so.
import { describe, expect, it } from 'vitest';
import { createHasher, type Derive } from './passwords.ts';

function controlledKdf() {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  const kdf: Derive = (password) =>
    new Promise((resolve) => {
      started.push(password);
      pending.push(() => resolve(Buffer.alloc(32)));
    });
  /** Finishes the oldest running derivation and lets the queue hand its slot on. */
  const finishOne = async () => {
    pending.shift()!();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { kdf, started, finishOne, running: () => pending.length };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('password hash queue', () => {
  it('aFloodOf120FromOneAddress_anotherAddressStartsAtTheNextFreeSlot', async () => {
    const { kdf, started, finishOne, running } = controlledKdf();
    const hasher = createHasher({ concurrency: 2, queueLimit: 256, perAddressLimit: 200 }, undefined, kdf);
    const flood = Array.from({ length: 122 }, (_, i) => hasher.hash(`a-${i}`, '198.51.100.7'));
    await settle();
    const other = hasher.hash('b-0', '203.0.113.9');
    await settle();
    expect(started).toEqual(['a-0', 'a-1']);
    // A is ahead in the ring, so B's job takes the second slot that frees: within `concurrency`
    // slots, not after 120 jobs (the old single FIFO started it last)
    await finishOne();
    await finishOne();
    expect(started).toEqual(['a-0', 'a-1', 'a-2', 'b-0']);
    await finishOne();
    expect(started.at(-1)).toBe('a-3');
    while (running() > 0) await finishOne();
    expect(started).toHaveLength(123);
    await expect(other).resolves.toMatch(/^\$argon2id\$/);
    expect(await Promise.all(flood)).toHaveLength(122);
  });

  it('roundRobin_threeAddressesWithQueuedWork_takeTurns', async () => {
    const { kdf, started, finishOne } = controlledKdf();
    const hasher = createHasher({ concurrency: 1, queueLimit: 256, perAddressLimit: 200 }, undefined, kdf);
    for (const [client, n] of [
      ['A', 4],
      ['B', 2],
      ['C', 1],
    ] as const) {
      for (let i = 0; i < n; i++) void hasher.hash(`${client}${i}`, client);
    }
    await settle();
    while (started.length < 7) await finishOne();
    expect(started).toEqual(['A0', 'A1', 'B0', 'C0', 'A2', 'B1', 'A3']);
  });

  it('perAddressCap_excessFromOneAddressIs429_othersStillQueue', async () => {
    const { kdf, started } = controlledKdf();
    const hasher = createHasher({ concurrency: 1, queueLimit: 256, perAddressLimit: 3 }, undefined, kdf);
    const a = Array.from({ length: 5 }, (_, i) =>
      hasher.verify(`a-${i}`, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5', 'A').catch((e: unknown) => e),
    );
    const b = hasher.dummyVerify('b', 'B').catch((e: unknown) => e);
    await settle();
    expect(started).toEqual(['a-0']);
    // one runs, three wait, the fifth is refused at once
    expect(await a[4]).toMatchObject({ status: 429, code: 'RATE_LIMIT_EXCEEDED', extra: { retryAfter: 1 } });
    expect(await Promise.race([b, settle().then(() => 'waiting')])).toBe('waiting');
  });

  it('globalCap_fullQueueIs503', async () => {
    const { kdf } = controlledKdf();
    const hasher = createHasher({ concurrency: 1, queueLimit: 2, perAddressLimit: 10 }, undefined, kdf);
    const jobs = ['A', 'B', 'C', 'D'].map((client) => hasher.dummyVerify('x', client).catch((e: unknown) => e));
    expect(await jobs[3]).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});
