// Validates an uploaded OpenVPN client configuration. A config shared between users must not be
// a way to run code on, or read or write files of, their machines, so this is an ALLOW-list
// (fail closed): the file is read exactly as OpenVPN 2.6 reads it (ovpn-reader.ts) and every
// directive it finds must be listed below with arguments that name no local file or program.
// @see https://openvpn.net/community-resources/reference-manual-for-openvpn-2-6/
import { InvalidConfigError } from '../lib/errors.ts';
import { OvpnSyntaxError, readOvpn, type OvpnDirective } from './ovpn-reader.ts';

interface Rule {
  /** Fewest and most arguments on a directive line. */
  args: [number, number];
  /** 'only': allowed only as an inline <tag> block; 'also': as a block or as a line. */
  inline?: 'only' | 'also';
  /** Allowed inside <connection> too (OPT_P_CONNECTION in options.c's add_option). */
  connection?: true;
  /** Allowed values of the first argument. */
  values?: RegExp;
}

const line = (min: number, max = min, extra: Omit<Rule, 'args'> = {}): Rule => ({ args: [min, max], ...extra });
const conn = (min: number, max = min): Rule => line(min, max, { connection: true });
const block = (extra: Omit<Rule, 'args' | 'inline'> = {}): Rule => ({ args: [0, 0], inline: 'only', ...extra });

// Keys and certificates only inline: with an argument OpenVPN reads that path. `[[INLINE]]` is
// a path too: 2.4 marked inline data with it (INLINE_FILE_TAG), 2.6 only prints it (crypto.c).
// `auth-user-pass` with no argument asks the user; with one it sends that file to the server.
// `http-proxy` and `socks-proxy` take a credentials file as third argument, so only host and port.
const ALLOWED: Record<string, Rule> = {
  client: line(0),
  'tls-client': line(0),
  pull: line(0),
  dev: line(1, 1, { values: /^(tun|tap)\d{0,3}$/ }),
  'dev-type': line(1, 1, { values: /^(tun|tap)$/ }),
  remote: conn(1, 3),
  proto: conn(1),
  port: conn(1),
  rport: conn(1),
  lport: conn(1),
  nobind: conn(0),
  float: conn(0),
  'remote-random': line(0),
  'remote-random-hostname': line(0),
  'resolv-retry': line(1),
  'persist-key': line(0),
  'persist-tun': line(0),
  'connect-retry': conn(1, 2),
  'connect-retry-max': conn(1),
  'connect-timeout': conn(1),
  'server-poll-timeout': conn(1),
  'explicit-exit-notify': conn(0, 1),
  'tun-mtu': conn(1),
  'tun-mtu-extra': conn(1),
  mssfix: conn(0, 2),
  fragment: conn(1, 2),
  'mtu-disc': conn(1),
  'http-proxy': conn(1, 2),
  'http-proxy-option': conn(1, 2),
  'socks-proxy': conn(1, 2),
  'remote-cert-tls': line(1, 1, { values: /^(server|client)$/ }),
  'remote-cert-ku': line(1, 8),
  'remote-cert-eku': line(1),
  'verify-x509-name': line(1, 2),
  'tls-version-min': line(1, 2),
  'tls-version-max': line(1),
  'tls-cipher': line(1),
  'tls-ciphersuites': line(1),
  'tls-groups': line(1),
  'tls-cert-profile': line(1),
  'tls-timeout': line(1),
  'tls-exit': line(0),
  'hand-window': line(1),
  'tran-window': line(1),
  'reneg-sec': line(1, 2),
  'reneg-bytes': line(1),
  'reneg-pkts': line(1),
  cipher: line(1),
  'data-ciphers': line(1),
  'data-ciphers-fallback': line(1),
  auth: line(1),
  'auth-nocache': line(0),
  'auth-retry': line(1, 1, { values: /^(none|nointeract|interact)$/ }),
  'key-direction': line(1, 1, { connection: true, values: /^[01]$/ }),
  'replay-window': line(1, 2),
  'mute-replay-warnings': line(0),
  verb: line(1),
  mute: line(1),
  keepalive: line(2),
  ping: line(1),
  'ping-restart': line(1),
  'ping-exit': line(1),
  'ping-timer-rem': line(0),
  inactive: line(1, 2),
  sndbuf: line(1),
  rcvbuf: line(1),
  'allow-compression': line(1),
  compress: line(0, 1),
  'comp-lzo': line(0, 1),
  'redirect-gateway': line(0, 6),
  'redirect-private': line(0, 6),
  route: line(1, 4),
  'route-ipv6': line(1, 3),
  'route-metric': line(1),
  'route-delay': line(0, 2),
  'route-nopull': line(0),
  'pull-filter': line(2),
  'dhcp-option': line(1, 2),
  'block-outside-dns': line(0),
  'allow-pull-fqdn': line(0),
  'ifconfig-nowarn': line(0),
  'tun-ipv6': line(0),
  ca: block(),
  cert: block(),
  key: block(),
  'extra-certs': block(),
  pkcs12: block(),
  'crl-verify': block(),
  'tls-auth': block({ connection: true }),
  'tls-crypt': block({ connection: true }),
  'tls-crypt-v2': block({ connection: true }),
  'peer-fingerprint': line(1, 1, { inline: 'also' }),
  'auth-user-pass': line(0, 0, { inline: 'also' }),
  'http-proxy-user-pass': block(),
  connection: block(),
};
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;

export interface OvpnSummary {
  serverAddress: string;
  port: number;
  protocol: 'udp' | 'tcp';
}

const protocolOf = (proto: string | undefined): 'udp' | 'tcp' | undefined => (proto?.startsWith('tcp') ? 'tcp' : proto?.startsWith('udp') ? 'udp' : undefined);
const label = (d: OvpnDirective) => (d.inline === undefined ? `'${d.name.slice(0, 40)}'` : `Block <${d.name.slice(0, 40)}>`);

function portOf(value: string, directive: string, at: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidConfigError(`'${directive}' port must be 1-65535 (${at})`);
  return port;
}

/** Refuses any directive that is not on the allow-list, in the form and place it is allowed. */
function check(d: OvpnDirective, inConnection: boolean): void {
  const at = `line ${d.line}`;
  const rule = Object.hasOwn(ALLOWED, d.name) ? ALLOWED[d.name] : undefined;
  if (!rule) throw new InvalidConfigError(`${label(d)} is not allowed in a shared config (${at})`);
  if (inConnection && !rule.connection) throw new InvalidConfigError(`${label(d)} is not allowed inside <connection> (${at})`);
  if (d.inline !== undefined) {
    if (!rule.inline) throw new InvalidConfigError(`${label(d)} is not allowed: '${d.name}' takes no inline block (${at})`);
    return;
  }
  if (rule.inline === 'only')
    throw new InvalidConfigError(`'${d.name}' is allowed only as an inline <${d.name}> block: an argument names a file on the client (${at})`);
  const [min, max] = rule.args;
  if (d.args.length < min || d.args.length > max) {
    const why = max === 0 && rule.inline ? ': an argument names a file on the client' : '';
    throw new InvalidConfigError(`'${d.name}' takes ${min === max ? min : `${min}-${max}`} argument(s)${why} (${at})`);
  }
  if (rule.values && !rule.values.test(d.args[0] ?? '')) throw new InvalidConfigError(`'${d.name} ${d.args[0] ?? ''}' is not allowed (${at})`);
  if (d.name === 'remote') {
    const [host = '', port] = d.args;
    if (!HOST.test(host) || host.length > 253) throw new InvalidConfigError(`'remote' needs a host name or address (${at})`);
    if (port !== undefined) portOf(port, 'remote', at);
  }
  if (d.name === 'port' || d.name === 'rport' || d.name === 'lport') portOf(d.args[0]!, d.name, at);
}

function read(content: string): OvpnDirective[] {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(content))
    throw new InvalidConfigError('The config contains control characters; upload a text .ovpn file');
  // OpenVPN's tokenizer knows only ASCII spaces: refuse the Unicode ones (and a BOM) so that a
  // person reading the file sees the same words OpenVPN does.
  if (/[\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(content)) {
    throw new InvalidConfigError('The config contains non-ASCII spaces; upload a plain-text .ovpn file');
  }
  try {
    return readOvpn(content);
  } catch (error) {
    if (error instanceof OvpnSyntaxError) throw new InvalidConfigError(`OpenVPN cannot read this config: ${error.message}`);
    throw error;
  }
}

export function validateOvpn(content: string): OvpnSummary {
  const directives = read(content);
  for (const d of directives) {
    check(d, false);
    for (const child of d.children ?? []) check(child, true);
  }
  const has = (name: string) => directives.some((d) => d.name === name);
  if (!has('client') && !has('tls-client')) throw new InvalidConfigError("The config is not a client config: 'client' is missing");
  if (!has('dev')) throw new InvalidConfigError("The config needs 'dev tun' or 'dev tap'");
  // `proto` and `port` outside <connection> apply to every remote that does not name its own.
  const last = (list: OvpnDirective[], names: string[]) => list.filter((d) => names.includes(d.name)).at(-1)?.args[0];
  const globalProto = protocolOf(last(directives, ['proto']));
  const globalPort = last(directives, ['port', 'rport']);
  for (const d of directives) {
    const scope = d.name === 'connection' ? (d.children ?? []) : [d];
    const remote = scope.find((c) => c.name === 'remote');
    if (!remote) continue;
    const [host = '', port, proto] = remote.args;
    const ownProto = d.name === 'connection' ? protocolOf(last(scope, ['proto'])) : undefined;
    const ownPort = d.name === 'connection' ? last(scope, ['port', 'rport']) : undefined;
    return {
      serverAddress: host,
      port: Number(port ?? ownPort ?? globalPort ?? 1194),
      protocol: protocolOf(proto) ?? ownProto ?? globalProto ?? 'udp',
    };
  }
  throw new InvalidConfigError("The config needs a 'remote' server");
}
