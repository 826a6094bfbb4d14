import { parseArgs } from 'node:util';

export const COMMANDS = ['login', 'register', 'logout', 'profile', 'locations', 'config', 'devices'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage: barqnet <command> [options]

Commands:
  login [--phone N] [--otp]           sign in with your password, or with an SMS code (--otp)
  register [--phone N]                create an account: SMS code, then a password
  logout                              sign this device out
  profile                             show your profile and data usage
  locations                           list the VPN server locations
  config [--location ID] [--out F]    get an OpenVPN configuration (to stdout, or file F, mode 0600)
  devices                             list the devices signed in to your account

Options:
  --base-url URL    the API (default: $BARQNET_BASE_URL or http://localhost:8080)
  --json            print the API's JSON answer instead of text
  --timeout MS      per-request timeout (default 30000)
  --retries N       retries for idempotent requests (default 3)
  -h, --help        show this help
  -v, --version     show the version

Tokens are kept in $BARQNET_CONFIG_DIR (default ~/.config/barqnet), one file per API, mode 0600.
Exit codes: 0 ok, 1 refused by the API, 2 usage, 3 not signed in, 4 backend not available.`;

export class UsageError extends Error {}

/** No tokens stored for this API. */
export class NotSignedInError extends Error {}

export interface CliArgs {
  command: Command | undefined;
  help: boolean;
  version: boolean;
  baseUrl: string;
  json: boolean;
  timeoutMs: number;
  retries: number;
  phone: string | undefined;
  otp: boolean;
  location: string | undefined;
  out: string | undefined;
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        'base-url': { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        retries: { type: 'string' },
        phone: { type: 'string' },
        otp: { type: 'boolean' },
        location: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (name !== undefined && !(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`unknown command "${name}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const baseUrl = values['base-url'] ?? env['BARQNET_BASE_URL'] ?? 'http://localhost:8080';
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
  return {
    command: name as Command | undefined,
    help: values.help ?? false,
    version: values.version ?? false,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    json: values.json ?? false,
    timeoutMs: integer('timeout', values.timeout, 30_000),
    retries: integer('retries', values.retries, 3),
    phone: values.phone,
    otp: values.otp ?? false,
    location: values.location,
    out: values.out,
  };
}
