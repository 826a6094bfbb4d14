// The real OpenVPN client as a test oracle: it reads a config and reports what it parsed,
// without connecting, resolving a name, touching a tun device or running a script.
// How it stops early (openvpn_main in src/openvpn/openvpn.c, v2.6): after parsing it runs
// options_postprocess, then show_settings (printed at --verb 4 as "Current Parameter Settings"),
// then init_query_passwords, whose first step reads the --askpass file. Given /dev/null it
// fails with "Error reading password" (M_FATAL in get_user_pass_cr, misc.c), so the process
// exits right after printing the settings, before it daemonises or opens anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OvpnDirective } from '../vpn/ovpn-reader.ts';

const CANDIDATES = ['/usr/sbin/openvpn', '/usr/local/sbin/openvpn', '/usr/bin/openvpn'];
export const OPENVPN = CANDIDATES.find((path) => existsSync(path));

/** A script the configs under test may name with `up`: if OpenVPN ever ran it, RAN would exist. */
export const MARKER_SCRIPT = 'evil.sh';

export interface OpenvpnView {
  /** The "Current Parameter Settings" lines, or undefined when OpenVPN stopped before them. */
  settings: string[] | undefined;
  /** Errors OpenVPN printed, with file:line references removed so two files compare. */
  errors: string[];
  /** Whether the marker script ran (it must never). */
  ranScript: boolean;
  /** Files in the run directory after the run, with their contents. */
  files: Record<string, string>;
}

/** Runs `openvpn --config client.ovpn` in a fresh directory holding the config and the marker script. */
export function openvpnParse(config: string | Uint8Array, extraFiles: Record<string, string> = {}): OpenvpnView {
  if (!OPENVPN) throw new Error('openvpn is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'ovpn-oracle-'));
  try {
    writeFileSync(join(dir, 'client.ovpn'), config);
    writeFileSync(join(dir, MARKER_SCRIPT), '#!/bin/sh\ntouch RAN\n', { mode: 0o755 });
    for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
    const run = spawnSync(OPENVPN, ['--config', 'client.ovpn', '--verb', '4', '--suppress-timestamps', '--askpass', '/dev/null'], {
      cwd: dir,
      input: '',
      timeout: 10_000,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    });
    if (run.error) throw run.error;
    const lines = `${run.stdout}${run.stderr}`.split('\n');
    const start = lines.indexOf('Current Parameter Settings:');
    const end = lines.findIndex((line, i) => i > start && line.startsWith('OpenVPN 2.'));
    const stopped = lines.includes('Error reading password from Private Key authfile: /dev/null');
    const files: Record<string, string> = {};
    for (const name of Object.keys(extraFiles)) files[name] = existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '';
    return {
      settings: start < 0 ? undefined : lines.slice(start + 1, end < 0 ? undefined : end),
      errors: lines
        .filter((line) => /error|warning|missing|exceeded/i.test(line) && !/^( {2}|Note:)/.test(line) && !line.includes("'/dev/null'"))
        .filter((line) => !stopped || !(line.includes('authfile: /dev/null') || line === 'Exiting due to fatal error'))
        .map((line) => line.replace(/(client\.ovpn|\[CONNECTION-OPTIONS\]):\d+/g, '$1')),
      ranScript: existsSync(join(dir, 'RAN')),
      files,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Settings that name a local file, directory or program, and the only values allowed there:
// unset, inline, or what this harness itself passes (--askpass) and OpenVPN's defaults.
const ALLOWED_PATHS: Record<string, string[]> = {
  key_pass_file: ['/dev/null'],
  tmp_dir: ['/tmp'],
  config: ['client.ovpn'],
  auth_user_pass_file: ['stdin'],
};

/** The settings lines that would make the client read, write or run something local. */
export function localEffects(settings: string[]): string[] {
  return settings.filter((line) => {
    const m = /^\s+(\w+) = '(.*)'$/.exec(line);
    if (m) {
      const [, name = '', value = ''] = m;
      if (!/(_script|_file|_dir|_filename|writepid|dev_node|^config|management_addr|socks_proxy_server|http_proxy_server)$/.test(name)) return false;
      return !['[UNDEF]', '[INLINE]', ...(ALLOWED_PATHS[name] ?? [])].includes(value);
    }
    return /^\s+(log|genkey|mlock|daemon) = ENABLED$/.test(line);
  });
}

const SPECIAL = /[\s"'\\#;]/;
const quote = (arg: string) => (arg !== '' && !SPECIAL.test(arg) ? arg : `"${arg.replace(/[\\"]/g, '\\$&')}"`);

/** The directives written back one per line, quoted: what the reader says OpenVPN will see. */
export function canonical(directives: OvpnDirective[]): string {
  return directives
    .map((d) => {
      if (d.inline === undefined) return `${[d.name, ...d.args].map(quote).join(' ')}\n`;
      const body = d.children ? canonical(d.children) : d.inline.endsWith('\n') || d.inline === '' ? d.inline : `${d.inline}\n`;
      return `<${d.name}>\n${body}</${d.name}>\n`;
    })
    .join('');
}
