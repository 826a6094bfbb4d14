// The test outbox hands out the code an SMS really carried, or fails: it never makes one up.
import { describe, expect, it } from 'vitest';
import { codeIn, testOutbox } from './sms.ts';

describe('codeIn', () => {
  it('codeIn_codeSms_givesItsSixDigits', () => {
    expect(codeIn('Your BarqNet code is 042917. It expires in 10 minutes.')).toBe('042917');
  });

  it('codeIn_noSixDigitCode_throws', () => {
    expect(() => codeIn('Your BarqNet code is 12345.')).toThrow(/no 6-digit code/);
    expect(() => codeIn('Call 1234567 now')).toThrow(/no 6-digit code/);
  });
});

describe('testOutbox', () => {
  it('latestCode_lastMessageToTheNumber_givesItsCode', async () => {
    const outbox = testOutbox();
    await outbox.send('+14155552671', 'Your BarqNet code is 111111.');
    await outbox.send('+14155552671', 'Your BarqNet code is 222222.');
    expect(outbox.latestCode('+14155552671')).toBe('222222');
  });

  it('latestCode_nothingSentToTheNumber_throws', () => {
    expect(() => testOutbox().latestCode('+14155552671')).toThrow(/no SMS was sent to \+14155552671/);
  });
});
