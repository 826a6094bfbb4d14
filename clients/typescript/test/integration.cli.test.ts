// The `barqnet` CLI end to end against a live server, answering its prompts on stdin.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRun, runCli } from './cli-runner.ts';
import { freePort } from '../../../scripts/lib/free-port.ts';
import { sentCode as sentCodeAt, startServer, uniquePhone, type Running } from './processes.ts';

const PASSWORD = 'SecurePass123!';

let server: Running;
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startServer();
  home = await mkdtemp(join(tmpdir(), 'barqnet-cli-'));
  env = { BARQNET_CONFIG_DIR: join(home, 'config'), BARQNET_BASE_URL: server.url };
});
afterAll(async () => {
  await server?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const sentCode = (phone: string) => sentCodeAt(server.url, phone);

describe('barqnet CLI against a live server', () => {
  const phone = uniquePhone();

  it('register: prompts for phone, SMS code and password, then signs in', async () => {
    const run = new CliRun(['register'], env);
    await run.prompt(/Phone number/);
    run.answer(phone);
    await run.prompt(/Enter the 6-digit code/);
    run.answer(await sentCode(phone));
    await run.prompt(/Choose a password/);
    run.answer(PASSWORD);
    await run.prompt(/Repeat the password/);
    run.answer(PASSWORD);
    const result = await run.done();
    expect(result.stderr).not.toMatch(/barqnet:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Account created; signed in as ${phone}.`);
    const files = await readdir(env.BARQNET_CONFIG_DIR!);
    const tokenFile = files.find((f) => f.startsWith('tokens-'))!;
    expect((await stat(join(env.BARQNET_CONFIG_DIR!, tokenFile))).mode & 0o777).toBe(0o600);
  });

  it('login with a password, then profile, locations, config and devices', async () => {
    const login = await runCli(['login', '--phone', phone], env, [PASSWORD]);
    expect(login).toMatchObject({ code: 0 });
    expect(login.stdout).toContain(`Signed in as ${phone}.`);

    const profile = await runCli(['profile'], env);
    expect(profile.code).toBe(0);
    expect(profile.stdout).toMatch(new RegExp(`Phone\\s+\\${phone}`));
    expect(profile.stdout).toMatch(/Data used\s+0 B of 10\.0 GB/);

    const locations = await runCli(['locations'], env);
    expect(locations.code).toBe(0);
    expect(locations.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CITY/);
    expect(locations.stdout).toMatch(/us-east-1\s+United States - East\s+New York/);

    const out = join(home, 'us-east-1.ovpn');
    const config = await runCli(['config', '--location', 'us-east-1', '--out', out], env);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain(`Saved the us-east-1 configuration`);
    expect(await readFile(out, 'utf8')).toMatch(/^client$/m);
    expect((await stat(out)).mode & 0o777).toBe(0o600);

    const devices = await runCli(['devices', '--json'], env);
    expect(devices.code).toBe(0);
    const list = JSON.parse(devices.stdout) as Array<{ deviceId: string; current: boolean; platform: string }>;
    expect(list.some((d) => d.current && d.deviceId.startsWith('cli-'))).toBe(true);
  });

  it('login with an SMS code (--otp)', async () => {
    const run = new CliRun(['login', '--otp', '--phone', phone], env);
    await run.prompt(/Enter the 6-digit code/);
    run.answer('000000'); // wrong first: the CLI asks again
    await run.prompt(/Wrong code \(2 attempts left\)/);
    run.answer(await sentCode(phone));
    const result = await run.done();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Signed in as ${phone}.`);
  });

  it('errors are one line with a non-zero exit code', async () => {
    const wrong = await runCli(['login', '--phone', phone], env, ['WrongPass999']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n').at(-1)).toBe('barqnet: INVALID_CREDENTIALS: Invalid phone number or password');

    const badPhone = await runCli(['login', '--phone', '0800-nope'], env);
    expect(badPhone.code).toBe(2);

    const unknown = await runCli(['config', '--location', 'zz-nowhere-1'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^barqnet: NOT_FOUND: /m);
  });

  it('logout signs out; protected commands then exit 3', async () => {
    const logout = await runCli(['logout'], env);
    expect(logout).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    const profile = await runCli(['profile'], env);
    expect(profile.code).toBe(3);
    expect(profile.stderr).toBe(`barqnet: not signed in to ${server.url}: run "barqnet login" first\n`);
  });

  it('server down: one line "backend not available", exit code 4', async () => {
    const port = await freePort(); // nothing listens there
    const down = await runCli(['login', '--phone', phone, '--base-url', `http://127.0.0.1:${port}`, '--retries', '1'], env, [PASSWORD]);
    expect(down.code).toBe(4);
    const lines = down.stderr.split('\n').filter((l) => l.startsWith('barqnet:'));
    expect(lines).toEqual([`barqnet: backend not available at http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})`]);
    expect(down.stdout).toBe('');
  });
});
