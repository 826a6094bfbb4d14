// `npm start` (scripts/start.mjs) on the machine's older Node: runs the server on the project-local
// Node 24 when `make install` put one in .tools/, and otherwise says what to do.
import { ROOT } from './lib/root.ts';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = ROOT;
const LAUNCHER = join(root, 'scripts', 'start.mjs');
// NODE20: the Node 20 that make system provides when the machine's own Node is 24
const older = [process.env.NODE20, '/usr/bin/node', '/usr/local/bin/node'].find(
  (n): n is string => !!n && existsSync(n) && Number(spawnSync(n, ['-p', 'process.versions.node.split(".")[0]']).stdout?.toString()) < 24,
);
const dir = mkdtempSync(join(tmpdir(), 'barqnet-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!older)('npm start on Node < 24', () => {
  it('without a project-local Node 24: exits 1 and names `make start`', () => {
    mkdirSync(join(dir, 'bare', 'scripts'), { recursive: true });
    copyFileSync(LAUNCHER, join(dir, 'bare', 'scripts', 'start.mjs'));
    const result = spawnSync(older!, [join(dir, 'bare', 'scripts', 'start.mjs')], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/needs Node 24 or newer; this is Node v2[0-3]\..*\n.*`make start`/);
  });

  it('with the Node 24 of `make install`: the server starts, and stops on SIGTERM', async () => {
    const child = spawn(older!, [LAUNCHER], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'start.db')}`, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    for (let i = 0; i < 300 && !out.includes('"listening"'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('"listening"');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
