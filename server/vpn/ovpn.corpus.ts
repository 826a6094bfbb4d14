// Configs for the .ovpn tests: real-world shapes the API accepts, generated variants around
// OpenVPN's reading limits (255-byte pieces, block ends, quoting, CRLF, comments) and attacks.
// ACCEPTED ones also satisfy OpenVPN's own option checks (a client auth method, ...), so the
// differential test sees OpenVPN's settings for them and not an options error.

const PEM = ['-----BEGIN CERTIFICATE-----', 'MIIDSzCCAjOgAwIBAgIUJ0XbVbyhOY5c3Tf4TmqxVYOyjJMwDQYJKoZIhvcNAQEL', '-----END CERTIFICATE-----'];
const KEY = ['-----BEGIN OpenVPN Static key V1-----', '6acef03f62675b4b1bbd03e53b187727', '-----END OpenVPN Static key V1-----'];
const lines = (...parts: string[]) => `${parts.join('\n')}\n`;
const block = (tag: string, ...body: string[]) => [`<${tag}>`, ...body, `</${tag}>`];
// OpenVPN's options_postprocess wants a CA and a client auth method before it prints settings.
const HEAD = ['client', 'dev tun', 'remote vpn.example.net 1194', 'auth-user-pass', ...block('ca', ...PEM)];
const fill = (n: number, c = 'A') => c.repeat(n);

export const ACCEPTED: Record<string, string> = {
  minimal: lines(...HEAD),
  realWorld: lines(
    '# exported for alice',
    'client',
    'dev tun',
    'proto udp',
    'remote vpn.example.net 1194',
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'remote-cert-tls server',
    'cipher AES-256-GCM',
    'auth SHA256',
    'key-direction 1',
    'verb 3',
    'auth-user-pass',
    ...block('ca', ...PEM),
    ...block('tls-crypt', ...KEY),
  ),
  certAndKey: lines(
    'client',
    'dev tun',
    'remote 203.0.113.7 443 tcp',
    ...block('ca', ...PEM),
    ...block('cert', ...PEM),
    ...block('key', '-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '-----END PRIVATE KEY-----'),
    ...block('tls-auth', ...KEY),
    'key-direction 1',
  ),
  serviceConfig: lines(
    'client',
    'dev tun',
    'proto tcp',
    'remote vpn-eu-west.barqnet.com 443',
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'remote-cert-tls server',
    'verify-x509-name vpn-eu-west.barqnet.com name',
    'cipher AES-256-GCM',
    'data-ciphers AES-256-GCM:CHACHA20-POLY1305',
    'auth SHA256',
    'verb 3',
    'auth-user-pass',
    ...block('ca', ...PEM),
  ),
  connections: lines(
    'client',
    'dev tun',
    'auth-user-pass',
    ...block('connection', 'remote a.example.net 1194 udp', 'connect-retry 7'),
    ...block('connection', 'remote b.example.net 443', 'proto tcp-client', 'explicit-exit-notify 0'),
    ...block('ca', ...PEM),
  ),
  quotingAndComments: lines(
    'client',
    "dev 'tun'",
    'remote "vpn.example.net" 1194 # the EU server',
    '; a comment',
    '  # an indented comment',
    '--nobind',
    'verify-x509-name "CN with space" name',
    'auth-user-pass',
    'mute 7 ;trailing',
    ...block('ca', ...PEM),
  ),
  crlf: lines(...HEAD, ...block('ca', ...PEM)).replace(/\n/g, '\r\n'),
  inlineCredentials: lines('client', 'dev tun', 'remote vpn.example.net 1194', ...block('auth-user-pass', 'alice', 'secret'), ...block('ca', ...PEM)),
  blockTagWithComment: lines(...HEAD, '<ca> # the CA', ...PEM, '</ca>'),
  longPemLine: lines(...HEAD, ...block('ca', fill(300, 'M'), fill(511, 'M'), fill(1000, 'M'))),
};

// Where OpenVPN splits a long line inside a block: pieces of 255 bytes (read_inline_file).
const EDGES = [253, 254, 255, 256, 257, 509, 510, 511, 512];

export const VARIANTS: Record<string, string> = {};
for (const n of EDGES) {
  VARIANTS[`blockLine${n}`] = lines(...HEAD, ...block('ca', fill(n)));
  VARIANTS[`blockEndAt${n}`] = lines(...HEAD, '<ca>', `${fill(n)}</ca>`, 'mute 7');
  VARIANTS[`blockEndAt${n}ThenTag`] = lines(...HEAD, '<ca>', `${fill(n)}</ca>`, 'mute 7', '</ca>');
  VARIANTS[`blockEndAfterSpaces${n}`] = lines(...HEAD, '<ca>', `${fill(n)}  \t</ca>`, 'mute 7');
  VARIANTS[`blockEndTailAt${n}`] = lines(...HEAD, '<ca>', `</ca>${fill(n - 5, 'x')}mute 7`);
  VARIANTS[`connectionLine${n}`] = lines(
    'client',
    'dev tun',
    'auth-user-pass',
    '<connection>',
    'remote a.example.net',
    `#${fill(n, 'x')}connect-retry 9`,
    '</connection>',
    ...block('ca', ...PEM),
  );
}
for (const n of [254, 255, 256, 300]) {
  VARIANTS[`topLine${n}`] = lines(...HEAD, `#${fill(n - 1, 'x')}`);
  VARIANTS[`topLastLine${n}NoNewline`] = `${lines(...HEAD)}#${fill(n - 1, 'x')}`;
}
Object.assign(VARIANTS, {
  blockEndWithJunk: lines(...HEAD, '<ca>', ...PEM, '</ca>junk', 'mute 7'),
  blockCrlfEnd: lines(...HEAD, '<ca>', ...PEM, '</ca>').replace(/\n/g, '\r\n'),
  quotedBlockTag: lines(...HEAD, '"<ca>"', ...PEM, '</ca>'),
  dashedBlockTag: lines(...HEAD, '--<ca>', ...PEM, '</ca>'),
  strayEndTag: lines(...HEAD, '</ca>'),
  unclosedBlock: lines(...HEAD, '<ca>', ...PEM),
  emptyTag: lines(...HEAD, '<>', 'x', '</>'),
  quotedDirective: lines(...HEAD, '"mute" 7'),
  adjacentQuotes: lines(...HEAD, 'verify-x509-name "a"\'b\' name'),
  backslashSpace: lines(...HEAD, 'verify-x509-name a\\ b name'),
  backslashQuote: lines(...HEAD, 'verify-x509-name "a\\"b" name'),
  backslashBad: lines(...HEAD, 'verify-x509-name a\\b name'),
  backslashHash: lines(...HEAD, '\\# mute 7'),
  hashInsideToken: lines(...HEAD, 'verify-x509-name a#b name'),
  unclosedQuote: lines(...HEAD, 'verify-x509-name "abc name'),
  unclosedSingleQuote: lines(...HEAD, "verify-x509-name 'abc name"),
  singleQuoteKeepsBackslash: lines(...HEAD, "verify-x509-name 'a\\b' name"),
  bareCarriageReturn: lines(...HEAD, 'nobind\rmute 7'),
  doubleDashAlone: lines(...HEAD, '--'),
  seventeenParams: lines(...HEAD, `pull-filter ignore ${Array.from({ length: 16 }, (_, i) => `p${i}`).join(' ')} "unclosed`),
  utf8Bom: `\ufeff${lines(...HEAD)}`,
  nestedConnectionBlock: lines(
    'client',
    'dev tun',
    'auth-user-pass',
    '<connection>',
    'remote a.example.net',
    ...block('tls-auth', ...KEY),
    '</connection>',
    ...block('ca', ...PEM),
  ),
});

// Configs the deny-list of the first version accepted, in which OpenVPN finds `up`: the <ca>
// block ends at a 255-byte piece boundary, the directives after it are OpenVPN's, and a quoted
// "<ca>" (a block to OpenVPN, text to a line-by-line check) swallows the closing tag.
const hidden = (line: string) => lines(...HEAD, '<ca>', line, 'script-security 2', 'up evil.sh', '"<ca>"', '</ca>');
export const ATTACKS: Record<string, string> = {
  endTagAt255: hidden(`${fill(255)}</ca>`),
  endTagAt510: hidden(`${fill(510)}</ca>`),
  endTagAfterSpacesAt255: hidden(`${fill(255)}   </ca>`),
};
