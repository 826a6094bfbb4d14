import { chmod, writeFile } from 'node:fs/promises';
import type { BarqnetClient, DeviceFields } from '../index.ts';
import { NotSignedInError, type CliArgs, type Command } from './args.ts';
import { askNewPassword, askOtp, withPassword, withPhone } from './ask.ts';
import { bytes, pairs, table } from './format.ts';
import type { Prompter } from './prompt.ts';

export interface Context {
  client: BarqnetClient;
  args: CliArgs;
  prompt: Prompter;
  device: () => Promise<Required<DeviceFields>>;
  /** Prints to stdout. */
  print: (text: string) => void;
}

async function requireSignedIn(ctx: Context): Promise<void> {
  if (!(await ctx.client.session.tokens())) throw new NotSignedInError(`not signed in to ${ctx.args.baseUrl}: run "barqnet login" first`);
}

function show(ctx: Context, json: unknown, text: string): void {
  ctx.print(ctx.args.json ? JSON.stringify(json, null, 2) : text);
}

async function login(ctx: Context): Promise<void> {
  const device = await ctx.device();
  const result = await withPhone(ctx.prompt, ctx.args.phone, (phone) =>
    ctx.args.otp
      ? ctx.client.loginWithOtp({ phoneNumber: phone, askOtp: askOtp(ctx.prompt), ...device })
      : withPassword(ctx.prompt, (password) => ctx.client.loginWithPassword({ phoneNumber: phone, password, ...device })),
  );
  const hint = result.needsProfile ? '\nYour profile is incomplete: add your name and account type in the app.' : '';
  show(ctx, result.user, `Signed in as ${result.user.phoneNumber}.${hint}`);
}

async function register(ctx: Context): Promise<void> {
  const device = await ctx.device();
  const result = await withPhone(ctx.prompt, ctx.args.phone, (phone) =>
    ctx.client.register({ phoneNumber: phone, askOtp: askOtp(ctx.prompt), password: askNewPassword(ctx.prompt), ...device }),
  );
  show(ctx, result.user, `Account created; signed in as ${result.user.phoneNumber}.`);
}

async function logout(ctx: Context): Promise<void> {
  if (!(await ctx.client.session.tokens())) {
    show(ctx, { success: true }, 'Not signed in.');
    return;
  }
  await ctx.client.logout();
  show(ctx, { success: true }, 'Signed out.');
}

async function profile(ctx: Context): Promise<void> {
  await requireSignedIn(ctx);
  const { user } = await ctx.client.user.getProfile();
  const s = user.subscription;
  show(
    ctx,
    user,
    pairs([
      ['Phone', user.phoneNumber],
      ['Name', user.name ?? '-'],
      ['Type', user.userType ?? '-'],
      ['Email', user.email ?? '-'],
      ['Plan', `${s.plan}${s.expiresAt ? ` until ${s.expiresAt.slice(0, 10)}` : ''}`],
      ['Data used', `${bytes(s.usedData)} of ${bytes(s.dataQuota)}`],
      ['Devices', String(user.devices.length)],
      ['Member since', user.createdAt.slice(0, 10)],
    ]),
  );
}

async function locations(ctx: Context): Promise<void> {
  await requireSignedIn(ctx);
  const { locations } = await ctx.client.vpn.listLocations();
  const rows = locations.map((l) => [l.id, l.name, l.city, l.country, `${l.load}%`, `${l.latency} ms`, l.available ? 'yes' : 'no']);
  show(ctx, locations, table(['ID', 'NAME', 'CITY', 'COUNTRY', 'LOAD', 'LATENCY', 'AVAILABLE'], rows));
}

async function config(ctx: Context): Promise<void> {
  await requireSignedIn(ctx);
  const { config } = await ctx.client.vpn.getVpnConfig(ctx.args.location ? { locationId: ctx.args.location } : {});
  if (!ctx.args.out) {
    ctx.print(ctx.args.json ? JSON.stringify(config, null, 2) : config.ovpnContent.trimEnd());
    return;
  }
  // the file can carry keys: owner-only, like the token file
  await writeFile(ctx.args.out, config.ovpnContent, { mode: 0o600 });
  await chmod(ctx.args.out, 0o600);
  show(
    ctx,
    { ...config, savedTo: ctx.args.out },
    `Saved the ${config.locationId} configuration (${config.serverAddress}, ${config.protocol} ${config.port}) to ${ctx.args.out}.`,
  );
}

async function devices(ctx: Context): Promise<void> {
  await requireSignedIn(ctx);
  const { devices } = await ctx.client.user.listDevices();
  const rows = devices.map((d) => [d.id, d.name ?? d.model ?? '-', d.platform ?? '-', d.lastConnected.replace('T', ' ').slice(0, 16), d.current ? '*' : '']);
  show(ctx, devices, table(['ID', 'NAME', 'PLATFORM', 'LAST SEEN (UTC)', 'THIS'], rows));
}

export const COMMAND_HANDLERS: Record<Command, (ctx: Context) => Promise<void>> = {
  login,
  register,
  logout,
  profile,
  locations,
  config,
  devices,
};
