// Validates an uploaded OpenVPN client configuration. Anything that makes the client run a
// program, load a plugin, include files or write files is refused: a config shared between
// users must not be a way to run code on their machines.
// @see https://openvpn.net/community-resources/reference-manual-for-openvpn-2-6/ (--script-security)
import { InvalidConfigError } from '../lib/errors.ts';

const FORBIDDEN: Record<string, string> = {
  'script-security': 'it enables running scripts',
  up: 'it runs a program on the client',
  down: 'it runs a program on the client',
  'route-up': 'it runs a program on the client',
  'route-pre-down': 'it runs a program on the client',
  ipchange: 'it runs a program on the client',
  'tls-verify': 'it runs a program on the client',
  'auth-user-pass-verify': 'it runs a program',
  'client-connect': 'it runs a program',
  'client-disconnect': 'it runs a program',
  'learn-address': 'it runs a program',
  plugin: 'it loads a plugin into the client',
  config: 'it includes another file',
  cd: 'it changes the working directory',
  chroot: 'it changes the root directory',
  daemon: 'it detaches the client',
  log: 'it writes files on the client',
  'log-append': 'it writes files on the client',
  writepid: 'it writes files on the client',
  status: 'it writes files on the client',
  management: 'it opens a control port on the client',
  'management-external-key': 'it opens a control port on the client',
  setenv: 'it changes the environment of programs',
  'setenv-safe': 'it changes the environment of programs',
  'tmp-dir': 'it changes where the client writes files',
  'replay-persist': 'it writes files on the client',
  'tls-export-cert': 'it writes files on the client',
  iproute: 'it replaces the command the client runs to set routes',
  'win-sys': 'it changes where the client looks for system programs',
  'dns-updown': 'it runs a program on the client',
  providers: 'it loads a library into the client',
  'pkcs11-providers': 'it loads a library into the client',
  engine: 'it can load a library into the client',
};
// Data blocks hold keys and certificates; <connection> holds options, which are checked like the rest.
const BLOCKS = new Set(['ca', 'cert', 'key', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'extra-certs', 'pkcs12', 'secret', 'dh', 'http-proxy-user-pass', 'peer-fingerprint']);
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;

export interface OvpnSummary {
  serverAddress: string;
  port: number;
  protocol: 'udp' | 'tcp';
}

const protocolOf = (proto: string | undefined): 'udp' | 'tcp' | undefined => (proto?.startsWith('tcp') ? 'tcp' : proto?.startsWith('udp') ? 'udp' : undefined);

export function validateOvpn(content: string): OvpnSummary {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(content)) throw new InvalidConfigError('The config contains control characters; upload a text .ovpn file');
  // JavaScript's trim and \s know Unicode spaces, OpenVPN's tokenizer does not: refuse them so both
  // split every line into the same tokens.
  if (/[\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(content)) {
    throw new InvalidConfigError('The config contains non-ASCII spaces; upload a plain-text .ovpn file');
  }
  let block: string | undefined;
  let inConnection = false;
  let isClient = false;
  let hasDev = false;
  // `proto` and `port` apply to every remote that does not name its own, wherever they appear.
  let protocol: 'udp' | 'tcp' | undefined;
  let defaultPort: number | undefined;
  let remote: { serverAddress: string; port: number | undefined; protocol: 'udp' | 'tcp' | undefined } | undefined;
  const portOf = (value: string, directive: string, at: string) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidConfigError(`'${directive}' port must be 1-65535 (${at})`);
    return port;
  };
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (block) {
      // OpenVPN ends an inline block at any line that STARTS with its closing tag: a line such as
      // `</ca>x` must not leave this parser inside the block while OpenVPN reads what follows.
      if (line.startsWith('</') || raw.startsWith('</')) {
        if (line !== `</${block}>`) throw new InvalidConfigError(`Unexpected ${line.slice(0, 40)} inside <${block}> (${at})`);
        block = undefined;
      } else if (/^<[a-z0-9-]+>$/i.test(line)) throw new InvalidConfigError(`Unexpected ${line} inside <${block}> (${at})`);
      return;
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const tag = /^<(\/?)([a-z0-9-]+)>$/i.exec(line);
    if (tag) {
      const name = tag[2]!.toLowerCase();
      if (name === 'connection' && tag[1] === '' && !inConnection) inConnection = true;
      else if (name === 'connection' && tag[1] === '/' && inConnection) inConnection = false;
      else if (tag[1] === '' && BLOCKS.has(name) && !inConnection) block = name;
      else throw new InvalidConfigError(`Block ${line} is not allowed here (${at})`);
      return;
    }
    const [name = '', ...args] = line.replace(/^--/, '').split(/\s+/);
    const directive = name.toLowerCase();
    if (FORBIDDEN[directive]) throw new InvalidConfigError(`Directive '${directive}' is not allowed: ${FORBIDDEN[directive]} (${at})`);
    if (!/^[a-z0-9-]+$/.test(directive)) throw new InvalidConfigError(`'${name}' is not an OpenVPN directive (${at})`);
    if (directive === 'client' || directive === 'tls-client') isClient = true;
    if (directive === 'dev') hasDev = /^(tun|tap)\d*$/.test(args[0] ?? '');
    if (directive === 'proto' && !inConnection) protocol = protocolOf(args[0]);
    if ((directive === 'port' || directive === 'rport') && !inConnection && args[0]) defaultPort = portOf(args[0], directive, at);
    if (directive === 'remote' && !remote) {
      const [host = '', port, proto] = args;
      if (!HOST.test(host) || host.length > 253) throw new InvalidConfigError(`'remote' needs a host name or address (${at})`);
      remote = { serverAddress: host, port: port === undefined ? undefined : portOf(port, 'remote', at), protocol: protocolOf(proto) };
    }
  });
  if (block) throw new InvalidConfigError(`Block <${block}> is not closed`);
  if (inConnection) throw new InvalidConfigError('Block <connection> is not closed');
  if (!isClient) throw new InvalidConfigError("The config is not a client config: 'client' is missing");
  if (!hasDev) throw new InvalidConfigError("The config needs 'dev tun' or 'dev tap'");
  if (!remote) throw new InvalidConfigError("The config needs a 'remote' server");
  return { serverAddress: remote.serverAddress, port: remote.port ?? defaultPort ?? 1194, protocol: remote.protocol ?? protocol ?? 'udp' };
}
