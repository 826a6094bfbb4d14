import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { startupHints } from './hints.ts';

describe('start-up hints', () => {
  it('development_consoleSms_saysWhereCodesAreAndWhichSettingsRelaxTheLimits', () => {
    const text = startupHints(loadConfig({})).join('\n');
    expect(text).toContain('"sms.console"');
    for (const name of ['OTP_SEND_LIMIT_PER_HOUR', 'OTP_MAX_ATTEMPTS', 'OTP_SEND_LIMIT_PER_IP_PER_HOUR', 'LOGIN_MAX_FAILURES']) expect(text).toContain(name);
    expect(text).toMatch(/3 codes per number per hour/);
    expect(text).toMatch(/\.\/data\/barqnet\.db and survive a restart/);
  });

  it('testMode_codesAreNotLogged_pointsToTheBypass', () => {
    const text = startupHints(loadConfig({ NODE_ENV: 'test', TEST_MODE: '1', OTP_SEND_LIMIT_PER_HOUR: '50' })).join('\n');
    expect(text).toContain('POST /v1/test/auth/bypass');
    expect(text).not.toContain('sms.console');
    expect(text).toMatch(/50 codes per number per hour/);
  });

  it('production_saysNothing', () => {
    const config = { ...loadConfig({}), env: 'production' as const };
    expect(startupHints(config)).toEqual([]);
  });
});
