// Proof that the contract check catches drift: plants one in a temporary copy (a handler that
// returns an undeclared field, a handler that answers an undeclared status, a spec that lost a
// field the server still sends) and runs scripts/contract-test against it, which must fail with
// the matching Schemathesis check. The unmodified copy must pass, so the failures come from
// the drift and not from the harness.
import { ROOT } from '../lib/root.ts';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = ROOT;
const work = mkdtempSync(join(tmpdir(), 'barqnet-drift-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A runnable copy of the server beside its generated/ contract, sharing node_modules. */
function copyServer(name: string): string {
  const dir = join(work, name);
  for (const part of ['server', 'generated', 'docs', 'package.json']) {
    if (existsSync(join(root, part))) cpSync(join(root, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function findFile(dir: string, needle: string): string {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, needle);
      if (found) return found;
    } else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && readFileSync(path, 'utf8').includes(needle)) {
      return path;
    }
  }
  return '';
}

/** Makes the getHealth handler of a copy answer `reply` before anything else it does. */
function plantHealthReply(dir: string, reply: string): void {
  const file = findFile(join(dir, 'server'), 'async getHealth(');
  expect(file, 'the getHealth handler').not.toBe('');
  const source = readFileSync(file, 'utf8');
  const planted = source.replace(/async getHealth\([^)]*\)[^{]*\{/, (head) => `${head} return ${reply};`);
  expect(planted).not.toBe(source);
  writeFileSync(file, planted);
}

interface Run {
  code: number;
  output: string;
}

/** scripts/contract-test on getHealth only; the unit phases are enough to see the drift. */
function contractTest(name: string, env: Record<string, string>): Promise<Run> {
  const args = ['--include-operation-id', 'getHealth', '-n', '10', '--phases', 'examples,coverage,fuzzing'];
  return new Promise((resolve) => {
    execFile(
      join(root, 'scripts/contract-test'),
      args,
      {
        env: {
          ...process.env,
          BARQNET_URL: '',
          CONTRACT_REPORT: join(work, `${name}-junit.xml`),
          CONTRACT_CACHE: join(work, `${name}-cache`),
          SERVER_LOG: join(work, `${name}-server.log`),
          ...env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const HEALTH = "{ status: 200, body: { success: true, status: 'ok', version: '1.0.0', uptime: 1";

describe('contract check against planted drift', { timeout: 180_000 }, () => {
  it('passes on an unmodified copy of the server', async () => {
    const dir = copyServer('control');
    const run = await contractTest('control', { SERVER_ENTRY: join(dir, 'server/main.ts'), VALIDATE_RESPONSES: '0' });
    expect(run.output).toContain('No issues found');
    expect(run.code).toBe(0);
  });

  // Response validation off, as in production: Schemathesis alone must see the drift.
  it('fails when a handler returns a field the spec does not declare', async () => {
    const dir = copyServer('extra-field');
    plantHealthReply(dir, `${HEALTH}, region: 'eu-west-1' } }`);
    const run = await contractTest('extra-field', { SERVER_ENTRY: join(dir, 'server/main.ts'), VALIDATE_RESPONSES: '0' });
    expect(run.output).toContain('Response violates schema');
    expect(run.code).not.toBe(0);
  });

  it('fails when a handler answers a status the spec does not declare', async () => {
    const dir = copyServer('extra-status');
    plantHealthReply(dir, `${HEALTH} } }`.replace('status: 200', 'status: 202'));
    const run = await contractTest('extra-status', { SERVER_ENTRY: join(dir, 'server/main.ts'), VALIDATE_RESPONSES: '0' });
    expect(run.output).toContain('Undocumented status code');
    expect(run.code).not.toBe(0);
  });

  it('fails when the spec drops a required field the server still sends', async () => {
    const spec = JSON.parse(readFileSync(join(root, 'generated/openapi.json'), 'utf8'));
    const health = spec.paths['/health'].get.responses['200'].content['application/json'];
    delete health.schema.properties.version;
    health.schema.required = health.schema.required.filter((name: string) => name !== 'version');
    delete health.example;
    const file = join(work, 'openapi-without-version.json');
    writeFileSync(file, JSON.stringify(spec));
    const run = await contractTest('spec-field', { CONTRACT_SPEC: file });
    expect(run.output).toContain('Response violates schema');
    expect(run.code).not.toBe(0);
  });
});
