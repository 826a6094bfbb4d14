// The test tiers (vitest projects), each runnable on its own: `make unit`, `make integration`,
// `make system`, `make browser`, `make build-tests`. A test file not named below is a unit test;
// test/tiers.test.ts keeps unit tests free of processes, sockets and databases.
export const ALL = ['server/**/*.test.ts', 'clients/**/test/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'];

export const TIERS = {
  /** HTTP against the in-process app (server/test/harness.ts) or the store, on each database. */
  integration: [
    'server/auth/{auth,lockout,otp,otp.binding,otp.order,refresh,retention}.test.ts',
    'server/db/{db,context,migrations,postgres,tx}.test.ts',
    'server/http/{cors,headers,http,http.auth,input,input.property,proxy,request-log}.test.ts',
    'server/lib/{rate-limit,tracing}.test.ts',
    'server/races.test.ts',
    'server/sms/sms.test.ts',
    'server/system/{system,metrics}.test.ts',
    'server/user/*.test.ts',
    'server/vpn/{vpn,vpn.sessions}.test.ts',
  ],
  /** Real processes: the server, the CLI, the mock, OpenVPN; crashes, outages, shutdowns. */
  system: [
    'test/system/**/*.test.ts',
    'clients/typescript/test/{integration.*,cli.slips}.test.ts',
    'scripts/{mock,start}.test.ts',
    'server/vpn/ovpn.openvpn.test.ts',
    'server/lib/logger.exit.test.ts',
    'server/system/metrics.process.test.ts',
  ],
  /** Headless Chromium on the docs page. */
  browser: ['scripts/docs.test.ts', 'server/http/headers.docs.test.ts'],
  /** tsc builds, generators, snippets run for real, Schemathesis drift. */
  build: ['clients/typescript/test/build.test.ts', 'scripts/{snippets,generate,breaking-change-check}.test.ts', 'scripts/contract/drift.test.ts'],
} as const;

export const NOT_UNIT: string[] = Object.values(TIERS).flat();
