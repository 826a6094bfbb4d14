// The publishable package: builds, ships declarations a strict consumer accepts, keeps the
// browser entry free of Node modules, and runs on Node 20 (the oldest the package supports).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/root.ts';
import { startServer, uniquePhone } from './processes.ts';

const PKG = join(ROOT, 'clients', 'typescript');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** A Node 20-23 binary: NODE20 (make build-tests installs node@20 when the machine has none), else the system Node. */
function olderNode(): string {
  for (const candidate of [process.env.NODE20, '/usr/bin/node', '/usr/local/bin/node']) {
    if (!candidate || !existsSync(candidate)) continue;
    const major = Number(spawnSync(candidate, ['-p', 'process.versions.node.split(".")[0]']).stdout?.toString().trim());
    if (major >= 20 && major < 24) return candidate;
  }
  // no silent skip: the package promises Node 20, so a run that cannot check it fails
  throw new Error('no Node 20-23 found: run `make build-tests` (it installs node@20 into .tools/node20) or set NODE20');
}

/** Every relative module reachable from `entry`, following the emitted imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}

beforeAll(() => {
  // the package's own build steps, run directly (npm would add noise)
  execFileSync(process.execPath, [join(PKG, 'scripts', 'prebuild.mjs')]);
  execFileSync(process.execPath, [TSC, '-p', join(PKG, 'tsconfig.browser.json')]);
  execFileSync(process.execPath, [TSC, '-p', join(PKG, 'tsconfig.json')]);
  execFileSync(process.execPath, [join(PKG, 'scripts', 'postbuild.mjs')]);
}, 120_000);

describe('the built package', () => {
  it('emits every entry point named in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string; default?: string }>;
      bin: Record<string, string>;
    };
    const files = [...Object.values(pkg.exports).flatMap((e) => [e.types, e.default]), ...Object.values(pkg.bin)].filter(
      (f): f is string => !!f && f.startsWith('./dist'),
    );
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) expect(existsSync(join(PKG, file)), file).toBe(true);
    expect(readFileSync(join(PKG, 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('the browser entry imports no Node built-in, only openapi-fetch', () => {
    const graph = importGraph(join(PKG, 'dist', 'index.js'));
    const external = new Set([...graph.values()].flat().filter((s) => !s.startsWith('.')));
    expect([...external]).toEqual(['openapi-fetch']);
    expect([...graph.keys()].some((f) => f.endsWith('node.js'))).toBe(false);
  });

  it('declarations point at emitted .js files and satisfy a strict consumer', () => {
    expect(readFileSync(join(PKG, 'dist', 'index.d.ts'), 'utf8')).not.toMatch(/from '\.\/[^']+\.ts'/);
    const result = spawnSync(process.execPath, [TSC, '-p', join(PKG, 'test', 'fixtures', 'consumer', 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('a CommonJS project type-checks and require()s both entries (Node 24 and Node 20)', () => {
    const fixture = join(PKG, 'test', 'fixtures', 'consumer-cjs');
    for (const config of ['tsconfig.json', 'tsconfig.classic.json']) {
      const result = spawnSync(process.execPath, [TSC, '-p', join(fixture, config)], { encoding: 'utf8' });
      expect(result.stdout + result.stderr, config).toBe('');
    }
    const script =
      "const sdk = require('@barqnet/client'); const node = require('@barqnet/client/node'); console.log(typeof sdk.createBarqnetClient, typeof node.FileTokenStore);";
    for (const node of [process.execPath, olderNode()]) {
      const out = spawnSync(node, ['-e', script], { cwd: fixture, encoding: 'utf8' });
      expect(out.stderr, node).toBe('');
      expect(out.stdout.trim(), node).toBe('function function');
    }
  }, 60_000);

  it('runs on Node 20: imports both entries and the CLI answers', () => {
    const script = `const sdk = await import(${JSON.stringify(join(PKG, 'dist', 'index.js'))});
      const node = await import(${JSON.stringify(join(PKG, 'dist', 'node.js'))});
      console.log(typeof sdk.createBarqnetClient, typeof node.FileTokenStore, process.versions.node.split('.')[0]);`;
    const out = execFileSync(olderNode(), ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split(' ');
    expect(out.slice(0, 2)).toEqual(['function', 'function']);
    expect(Number(out[2])).toBeLessThan(24);
    const version = execFileSync(olderNode(), [join(PKG, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe((JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs on Node 20: register -> locations -> logout against the live server', async () => {
    const server = await startServer();
    try {
      const phone = uniquePhone();
      const script = `
        const { createBarqnetClient } = await import(${JSON.stringify(join(PKG, 'dist', 'index.js'))});
        const client = createBarqnetClient({ baseUrl: process.argv[1] });
        const askOtp = async () => (await (await fetch(process.argv[1] + '/v1/test/auth/bypass', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumber: process.argv[2], testMode: true }) })).json()).testOtp;
        await client.register({ phoneNumber: process.argv[2], password: 'SecurePass123!', askOtp });
        const { locations } = await client.vpn.listLocations();
        await client.logout();
        console.log(JSON.stringify({ locations: locations.length, signedIn: (await client.session.tokens()) !== null }));`;
      const out = spawnSync(olderNode(), ['--input-type=module', '-e', script, server.url, phone], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      expect(JSON.parse(out.stdout)).toEqual({ locations: expect.any(Number), signedIn: false });
      expect(JSON.parse(out.stdout).locations).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
