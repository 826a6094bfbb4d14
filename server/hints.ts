// The first log lines of a development or test-mode start: where the one-time codes are, and
// which settings relax the sign-in limits, whose counters are stored in the database and so
// survive a restart. Production gets none of this.
import type { Config } from './config.ts';

export function startupHints(config: Config): string[] {
  if (config.env === 'production') return [];
  const hints: string[] = [];
  if (config.testMode) {
    hints.push(
      "TEST_MODE=1: SMS go to an in-memory outbox, not to this log. Read a number's pending code with " +
        `POST /v1/test/auth/bypass {"phoneNumber":"+14155552671","testMode":true} (the answer's testOtp).`,
    );
  } else if (config.sms.provider === 'console') {
    hints.push('SMS_PROVIDER=console: each one-time code is printed in this log, in an "sms.console" line.');
  } else return hints;
  const { otp, login } = config;
  hints.push(
    `Sign-in limits: ${otp.sendsPerHour} codes per number per hour (OTP_SEND_LIMIT_PER_HOUR), ${otp.maxAttempts} tries per code (OTP_MAX_ATTEMPTS), ` +
      `${otp.sendsPerIpPerHour} codes per address per hour (OTP_SEND_LIMIT_PER_IP_PER_HOUR), ${login.maxFailures} wrong passwords per ${login.lockoutSeconds} s ` +
      '(LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_SECONDS). Raise them in .env for development.',
  );
  if (config.databaseUrl.startsWith('sqlite:')) {
    const file = config.databaseUrl.slice('sqlite:'.length);
    hints.push(`The limit counters are kept in ${file} and survive a restart; stop the server and delete that file to reset them (and every account).`);
  } else {
    hints.push('The limit counters are kept in the database and survive a restart.');
  }
  return hints;
}
