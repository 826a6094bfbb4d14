import { describe, expect, it } from 'vitest';
import { createSessionCache, parseRevocation } from './session.cache.ts';

function cache(maxEntries = 10) {
  let now = 0;
  const c = createSessionCache({ maxEntries, now: () => now });
  return { c, advance: (ms: number) => (now += ms) };
}
const alice = { userId: 'usr_a', deviceId: 'dev_a1' };

describe('session cache', () => {
  it('set_thenGet_untilTheTtlPasses', () => {
    const { c, advance } = cache();
    c.trustFor(500);
    c.set('ses_1', alice, c.generation());
    advance(499);
    expect(c.get('ses_1')).toMatchObject(alice);
    advance(1);
    expect(c.get('ses_1')).toBeUndefined();
  });

  it('set_readStartedBeforeAForget_isNotCached', () => {
    const { c } = cache();
    c.trustFor(500);
    const before = c.generation();
    c.forget({ sessionId: 'ses_other' });
    c.set('ses_1', alice, before);
    expect(c.get('ses_1')).toBeUndefined();
  });

  it('forget_byUserOrDevice_dropsOnlyTheirSessions', () => {
    const { c } = cache();
    c.trustFor(500);
    c.set('ses_1', alice, c.generation());
    c.set('ses_2', { userId: 'usr_a', deviceId: 'dev_a2' }, c.generation());
    c.set('ses_3', { userId: 'usr_b', deviceId: null }, c.generation());
    c.forget({ deviceId: 'dev_a1' });
    expect([c.get('ses_1'), c.get('ses_2')?.deviceId, c.get('ses_3')?.userId]).toEqual([undefined, 'dev_a2', 'usr_b']);
    c.forget({ userId: 'usr_a' });
    expect([c.get('ses_2'), c.get('ses_3')?.userId]).toEqual([undefined, 'usr_b']);
    c.forget('all');
    expect(c.size).toBe(0);
  });

  it('trustFor_zero_cachesNothingUntilTrustedAgain', () => {
    const { c } = cache();
    c.trustFor(500);
    c.set('ses_1', alice, c.generation());
    c.trustFor(0);
    expect(c.get('ses_1')).toBeUndefined();
    c.set('ses_1', alice, c.generation());
    expect(c.get('ses_1')).toBeUndefined();
  });

  it('set_full_evictsTheOldestEntry', () => {
    const { c } = cache(2);
    c.trustFor(500);
    for (const id of ['ses_1', 'ses_2', 'ses_3']) c.set(id, alice, c.generation());
    expect([c.get('ses_1'), c.size]).toEqual([undefined, 2]);
  });

  it('parseRevocation_unknownPayload_forgetsEverything', () => {
    expect(parseRevocation('{"sessionId":"ses_1","extra":1}')).toEqual({ sessionId: 'ses_1' });
    expect(parseRevocation('not json')).toBe('all');
    expect(parseRevocation('{"sessionId":5}')).toBe('all');
  });
});
