// Thin handlers: normalise, call the service, shape the reply.
import type { Handlers } from '../http/route.ts';
import { callerOf } from '../http/route.ts';
import { normalizePhone } from '../lib/phone.ts';
import type { AuthService } from './auth.service.ts';
import type { OtpService } from './otp.service.ts';
import type { SessionService } from './session.service.ts';

type AuthHandlers = Pick<Handlers, 'sendOtp' | 'verifyOtp' | 'signInWithOtp' | 'register' | 'login' | 'refreshToken' | 'logout' | 'testAuthBypass'>;

export function authRoutes(auth: AuthService, otp: OtpService, sessions: SessionService): AuthHandlers {
  return {
    async sendOtp({ body, ip }) {
      const sent = await otp.send(normalizePhone(body.phoneNumber, body.countryCode), ip);
      return { status: 200, body: { success: true, message: 'OTP sent successfully', ...sent } };
    },
    async verifyOtp({ body }) {
      const phone = normalizePhone(body.phoneNumber);
      const issued = await otp.check(phone, body.otp, body.sessionId, (tx) => otp.issueVerificationToken(tx, phone));
      return { status: 200, body: { success: true, verified: true, ...issued } };
    },
    async signInWithOtp({ body }) {
      const phone = normalizePhone(body.phoneNumber);
      return {
        status: 200,
        body: await auth.signInWithOtp({ phone, otp: body.otp, sessionId: body.sessionId, deviceId: body.deviceId, deviceInfo: body.deviceInfo }),
      };
    },
    async register({ body, ip }) {
      const phone = normalizePhone(body.phoneNumber);
      return { status: 201, body: await auth.register({ ...body, phone, ip }) };
    },
    async login({ body, ip }) {
      const phone = normalizePhone(body.phoneNumber);
      return { status: 200, body: await auth.login({ ...body, phone, ip }) };
    },
    async refreshToken({ body }) {
      return { status: 200, body: { success: true, ...(await sessions.rotate(body.refreshToken)) } };
    },
    async logout(ctx) {
      await sessions.logout(callerOf(ctx));
      return { status: 200, body: { success: true, message: 'Logged out successfully' } };
    },
    async testAuthBypass({ body, ip }) {
      return { status: 200, body: await auth.testBypass(normalizePhone(body.phoneNumber), ip) };
    },
  };
}
