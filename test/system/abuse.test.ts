// One abusive client fires 1,000 requests in a burst; the limits (at their defaults: 100 per
// user and 600 per IP per minute) stop it, and another user on another address is untouched.
// Clients bind distinct loopback addresses, so the per-IP limit sees real, different IPs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumber, signInWithOtp, type Session } from '../support/flows.ts';
import { client, type Client, type Reply } from '../support/http.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const BURST = 1_000;

/** `count` requests, `width` at a time, as fast as the server answers. */
async function burst(count: number, width: number, send: () => Promise<Reply>): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        next++;
        replies.push(await send());
      }
    }),
  );
  return replies;
}

/** The victim's steady traffic while the burst runs: one request every 20 ms until `done`. */
async function steady(c: Client, token: string, done: () => boolean): Promise<Reply[]> {
  const replies: Promise<Reply>[] = [];
  for (let i = 0; !done() && i < 1_000; i++) {
    replies.push(c.request('GET', i % 2 ? '/v1/user/profile' : '/v1/vpn/locations', { token }));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Promise.all(replies);
}

/** The limits count in fixed one-minute windows: start a burst well inside one, so it cannot straddle two. */
/** GCRA (server/lib/rate-limit.ts): a burst of `perMinute`, then one more every 60/perMinute s
 *  for as long as the flood lasts, so the flood's own duration bounds what may pass. */
function expectAdmitted(admitted: number | undefined, perMinute: number, floodMs: number): void {
  expect(admitted).toBeGreaterThanOrEqual(perMinute);
  expect(admitted).toBeLessThanOrEqual(perMinute + Math.ceil(floodMs / (60_000 / perMinute)));
}

const tally = (replies: Reply[]) => replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

describe('abusive client', () => {
  let server: ServerProcess;
  const clients: Client[] = [];
  const at = (address: string) => {
    const c = client(server.url, { localAddress: address });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server?.stop();
  });

  it('userBurstOfThousand_limitedAt100_otherUserUnaffected', async () => {
    const attacker = at('127.0.0.2');
    const victim = at('127.0.0.3');
    const bad: Session = await signInWithOtp(attacker, phoneNumber(400));
    const good: Session = await signInWithOtp(victim, phoneNumber(401));

    const started = performance.now();
    let finished = false;
    const [flood, calm] = await Promise.all([
      burst(BURST, 50, () => attacker.request('GET', '/v1/vpn/locations', { token: bad.accessToken })).finally(() => (finished = true)),
      steady(victim, good.accessToken, () => finished),
    ]);

    const counts = tally(flood);
    expect(flood).toHaveLength(BURST);
    expect(Object.keys(counts).sort()).toEqual(['200', '429']);
    // USER_RATE_LIMIT_PER_MINUTE (signing in is not a user-limited call)
    expectAdmitted(counts[200], 100, performance.now() - started);
    const refused = flood.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    expect(calm.length).toBeGreaterThan(3);
    expect(tally(calm)).toEqual({ 200: calm.length });
  }, 60_000);

  it('anonymousBurstOfThousandFromOneAddress_limitedAt600_otherAddressUnaffected', async () => {
    const attacker = at('127.0.0.4');
    const victim = at('127.0.0.5');
    const good: Session = await signInWithOtp(victim, phoneNumber(402));

    const started = performance.now();
    let finished = false;
    const [flood, calm] = await Promise.all([
      // unauthenticated, so only the per-IP limit can stop it
      burst(BURST, 50, () => attacker.request('POST', '/v1/auth/refresh', { body: { refreshToken: `rt_${'A'.repeat(43)}` } })).finally(() => (finished = true)),
      steady(victim, good.accessToken, () => finished),
    ]);

    const counts = tally(flood);
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expectAdmitted(counts[401], 600, performance.now() - started); // IP_RATE_LIMIT_PER_MINUTE
    expect(counts[401]! + counts[429]!).toBe(BURST);
    expect(tally(calm)).toEqual({ 200: calm.length });
  }, 60_000);
});
