// The first sign-in of a new user, in a real terminal: every slip (a number without "+", a
// number no carrier assigns, a code that is not 6 digits, a wrong code, a weak password) is
// asked again, and the sign-in completes with the one code sent at the start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrongCode } from '../../../test/support/flows.ts';
import { CliRun } from './cli-runner.ts';
import { sentCode, startServer, uniquePhone, type Running } from './processes.ts';
import { createBarqnetClient, MemoryTokenStore, type ValidationError } from '../src/index.ts';

let server: Running;
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startServer();
  home = await mkdtemp(join(tmpdir(), 'barqnet-cli-slips-'));
  env = { BARQNET_CONFIG_DIR: home, BARQNET_BASE_URL: server.url };
});
afterAll(async () => {
  await server?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** How many requests to `path` the server's request log holds so far. */
const logged = (path: string) =>
  server
    .output()
    .split('\n')
    .filter((l) => l.includes(`"path":"${path}"`)).length;
/** How many codes the server was asked to send so far. */
const sends = () => logged('/v1/auth/otp/send');
const registers = () => logged('/v1/auth/register');
/**
 * Request lines reach the log in batches (server/lib/logger.ts): wait until the sign-up that
 * ends a flow is in it; the lines before it, the sends among them, were written with it.
 */
async function registered(count: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; registers() < count;) {
    if (Date.now() > deadline) throw new Error(`the server logged ${registers()} sign-ups, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pending code (the bypass sends none while one is pending). */
const pendingCode = (phone: string) => sentCode(server.url, phone);

describe('barqnet CLI in a terminal: slips are asked again, no new code', () => {
  it('register: bad numbers, a 5-digit code, a wrong code and a weak password, then signed in with one code', async () => {
    const phone = uniquePhone();
    const [before, signUps] = [sends(), registers()];
    const run = new CliRun(['register'], env, { pty: true });
    await run.prompt(/Phone number/);
    run.answer(phone.slice(1)); // no "+"
    await run.prompt(/needs its country code after a "\+"[^]*?try again\.[^]*?Phone number/);
    run.answer('+10000000000'); // the right form, but no carrier assigns it: the server refuses it, no code is sent
    await run.prompt(/not a valid phone number; try again\.[^]*?Phone number/);
    run.answer(phone);
    await run.prompt(/Enter the 6-digit code/);
    run.answer('12345');
    await run.prompt(/"12345" is not 6 digits; the code you received still works\. Enter the 6-digit code/);
    const code = await pendingCode(phone);
    run.answer(wrongCode(code));
    await run.prompt(/Wrong code \(2 attempts left\)\. Enter the 6-digit code/);
    run.answer(code);
    await run.prompt(/Choose a password/);
    run.answer('weakpassword');
    await run.prompt(/needs an upper-case letter, a lower-case letter and a digit; try again\.[^]*?Choose a password/);
    run.answer('SecurePass123!');
    await run.prompt(/Repeat the password/);
    run.answer('SecurePass123!');
    const result = await run.done();
    expect(result.stdout).toContain(`Account created; signed in as ${phone}.`);
    expect(result.code).toBe(0);
    await registered(signUps + 1);
    expect(sends() - before).toBe(2); // the refused +10000000000 and the one real code
    expect(result.stdout).not.toContain('SecurePass123!'); // secrets are not echoed
  });

  it('login --otp: a 7-digit code is asked again and the code still works', async () => {
    const phone = uniquePhone();
    const run = new CliRun(['login', '--otp', '--phone', phone], env, { pty: true });
    await run.prompt(/Enter the 6-digit code/);
    run.answer('1234567');
    await run.prompt(/is not 6 digits/);
    run.answer(await pendingCode(phone));
    const result = await run.done();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Signed in as ${phone}.`);
  });

  it('the SDK asks for another password after WEAK_PASSWORD and keeps the verification token', async () => {
    const phone = uniquePhone();
    const [before, signUps] = [sends(), registers()];
    const refusals: (ValidationError | undefined)[] = [];
    const api = createBarqnetClient({ baseUrl: server.url, tokenStore: new MemoryTokenStore(), retry: { retries: 0 } });
    const result = await api.register({
      phoneNumber: phone,
      askOtp: () => pendingCode(phone),
      password: (refused) => {
        refusals.push(refused);
        return refused ? 'SecurePass123!' : 'weakpassword1';
      },
    });
    expect(result.user.phoneNumber).toBe(phone);
    expect(refusals.map((r) => r?.code)).toEqual([undefined, 'WEAK_PASSWORD']);
    await registered(signUps + 1);
    expect(sends() - before).toBe(1);
  });
});
