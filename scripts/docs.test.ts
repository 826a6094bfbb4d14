// The published docs: docs/errors.md covers every operation and code of the public bundle; the
// guides name only operations, codes, settings, SDK methods and files that exist (so a rename in
// the spec or the server breaks them here, not in a reader's hands); docs/index.html renders
// every operation in headless Chromium without a console error or a request leaving the machine.
import { ROOT } from './lib/root.ts';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { checkErrorsDoc, errorCodes, operations, renderErrorsDoc, type Spec } from './errors-doc.ts';
import { selfContainedProblems } from './build-docs.ts';
import { launchChromium, missingOperations, searchSnippets, serveFolder, waitForRedoc, watchPage, type PageWatch } from './docs-page.ts';
import { startHarness } from '../server/test/harness.ts';

const root = ROOT;
const docs = join(root, 'docs');
const readSpec = (name: string) => JSON.parse(readFileSync(join(root, 'generated', name), 'utf8')) as Spec;
const spec = readSpec('openapi.public.json');
const errorsMd = readFileSync(join(docs, 'errors.md'), 'utf8');
const withExtraOperation = (): Spec => {
  const copy = structuredClone(spec);
  copy.paths['/v1/vpn/extra'] = { get: { operationId: 'getExtra', summary: 'An operation the docs do not know', responses: { '200': { description: 'ok' } } } };
  return copy;
};

describe('docs/errors.md', () => {
  it('has a row for every operation and every error code of the public bundle', () => {
    expect(operations(spec).length).toBeGreaterThan(0);
    expect(checkErrorsDoc(spec, errorsMd)).toEqual([]);
  });

  it('is what `make docs` generates from the current bundle', () => {
    expect(errorsMd).toBe(renderErrorsDoc(spec));
  });

  it('reports an operation of the bundle that the table lacks', () => {
    expect(checkErrorsDoc(withExtraOperation(), errorsMd)).toEqual(['operation getExtra (GET /v1/vpn/extra) is missing from the per-operation table']);
  });

  it('refuses to build when an error code has no x-http-status entry', () => {
    const copy = structuredClone(spec);
    const schema = (copy.components as { schemas: Record<string, { enum: string[] }> }).schemas.ErrorCode!;
    schema.enum.push('BRAND_NEW_CODE');
    expect(() => errorCodes(copy)).toThrow(/BRAND_NEW_CODE has no x-http-status/);
  });

  it('refuses to build when an example uses a code under another HTTP status', () => {
    const copy = structuredClone(spec);
    const responses = (copy.paths['/v1/auth/login']!.post as { responses: Record<string, unknown> }).responses;
    responses['409'] = { description: 'x', content: { 'application/json': { example: { success: false, error: 'INVALID_OTP', message: 'x' } } } };
    expect(() => renderErrorsDoc(copy)).toThrow(/login POST 409 names INVALID_OTP, which the ErrorCode table gives HTTP 400/);
  });

  it('leaves the internal test bypass out of the public docs', () => {
    expect(operations(readSpec('openapi.json')).map((o) => o.operationId)).toContain('testAuthBypass');
    expect(errorsMd).not.toContain('testAuthBypass');
    expect(readFileSync(join(docs, 'index.html'), 'utf8')).not.toContain('/v1/test/auth/bypass');
  });
});

const guides = () =>
  readdirSync(docs)
    .filter((f) => f.endsWith('.md') && f !== 'errors.md')
    .map((file) => ({ file, text: readFileSync(join(docs, file), 'utf8') }));
/** Every environment variable server/config.ts reads: `env, 'NAME'`, `env.NAME`, `env['NAME']`. */
const configVariables = () =>
  new Set([...readFileSync(join(root, 'server', 'config.ts'), 'utf8').matchAll(/env(?:, '|\.|\[')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));

describe('the guides', () => {
  it('document exactly the variables server/config.ts reads (docs/operations.md)', () => {
    const operationsMd = readFileSync(join(docs, 'operations.md'), 'utf8');
    const table = operationsMd.split(/^## /m).find((s) => s.startsWith('Configuration')) ?? '';
    const documented = new Set([...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
    const read = configVariables();
    expect([...read].filter((name) => !documented.has(name)).map((name) => `undocumented: ${name}`)).toEqual([]);
    expect([...documented].filter((name) => !read.has(name)).map((name) => `not read by server/config.ts: ${name}`)).toEqual([]);
  });

  it('name only error codes and settings that exist (UPPER_SNAKE names in backticks)', () => {
    const codes = new Set(errorCodes(spec).map((c) => c.code));
    const mockVariables = readFileSync(join(root, 'scripts', 'mock'), 'utf8').match(/MOCK_[A-Z_]+/g) ?? [];
    // Settings of the old services, named where docs/migration.md maps them.
    const retired = ['JWT_ACCESS_TTL', 'JWT_REFRESH_TTL'];
    const known = new Set([...codes, ...configVariables(), ...mockVariables, ...retired]);
    const unknown = guides().flatMap(({ file, text }) =>
      [...text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)]
        .map((m) => m[1]!)
        .filter((name) => !known.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken = guides().flatMap(({ file, text }) =>
      [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target) && !existsSync(join(docs, target)))
        .map((target) => `${file}: ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('call SDK methods that are operations of the contract (client.<tag>.<operationId>)', () => {
    const ids = new Set(operations(spec).map((o) => o.operationId));
    const unknown = guides().flatMap(({ file, text }) =>
      [...text.matchAll(/\bclient\.(?:auth|vpn|user|system)\.(\w+)/g)]
        .map((m) => m[1]!)
        .filter((id) => !ids.has(id))
        .map((id) => `${file}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('name only operations that exist (METHOD /path in backticks)', () => {
    const full = readSpec('openapi.json');
    const known = new Set(operations(full).map((o) => `${o.method} ${o.path}`));
    // Old paths of seed 000 that the canonical API renamed; docs/migration.md maps them.
    const retired = new Set(['POST /v1/auth/send-otp']);
    const unknown = guides().flatMap(({ file, text }) =>
      [...text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) ((?:\/v1)?\/[^`\s?]*)[^`]*`/g)]
        .map((m) => `${m[1]} ${m[2]}`)
        .filter(
          (request) => (request.split(' ')[1]!.startsWith('/v1/') || /^\w+ \/(health|ready)$/.test(request)) && !known.has(request) && !retired.has(request),
        )
        .map((request) => `${file}: ${request}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('docs/index.html in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  const expected = operations(spec).map(({ operationId, summary, method, path }) => ({ operationId, summary, method, path }));

  beforeAll(async () => {
    server = await serveFolder(docs);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    watch = await watchPage(page);
    await page.goto(server.url, { waitUntil: 'load' });
    await waitForRedoc(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has no script, style or font from another host', () => {
    expect(selfContainedProblems(readFileSync(join(docs, 'index.html'), 'utf8'))).toEqual([]);
  });

  it('renders every operation of the public bundle', async () => {
    expect(await missingOperations(page, expected)).toEqual([]);
    mkdirSync(join(root, 'reports'), { recursive: true });
    // A fresh load of one operation, so the screenshot shows the reference as a reader lands on it.
    await page.goto(`${server.url}#/auth/sendotp`);
    await page.reload({ waitUntil: 'load' });
    await waitForRedoc(page);
    await page.locator('[data-section-id="/auth/sendotp"]').filter({ hasText: 'Responses' }).first().waitFor();
    await page.getByText('Loading...').first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.screenshot({ path: join(root, 'reports', 'docs.png') });
  }, 120_000);

  it('notices an operation that is not rendered', async () => {
    const ghost = { operationId: 'getExtra', summary: 'An operation the docs do not know', method: 'GET', path: '/v1/vpn/extra' };
    expect(await missingOperations(page, [ghost])).toEqual(['getExtra: no link to it in the rendered page']);
  });

  it('links the guides with relative links to the files beside it, which exist', async () => {
    await page.goto(server.url);
    await waitForRedoc(page);
    const hrefs = await page.locator('#redoc a[href$=".md"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThanOrEqual(7);
    expect(hrefs.filter((href) => /^[a-z]+:|^\//.test(href))).toEqual([]);
    const statuses = await Promise.all(hrefs.map(async (href) => `${href} ${(await fetch(new URL(href, page.url()))).status}`));
    expect(statuses).toEqual(hrefs.map((href) => `${href} 200`));
  });

  it('lists the local server in the Servers box', async () => {
    await expect.poll(() => page.locator('#redoc').innerText()).toMatch(/Servers[\s\S]*Local development[\s\S]*http:\/\/localhost:8080/);
  });

  it('links ErrorCode to its schema, which lists the codes', async () => {
    await page
      .locator('#redoc a', { hasText: /^ErrorCode$/ })
      .first()
      .click();
    await expect.poll(() => page.url()).toMatch(/#\/schemas\/errorcode$/);
    await page.getByText('TOKEN_REUSED').first().waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('search snippets read as the descriptions do (no words glued at line breaks or inline code)', async () => {
    const plain = (text: string) =>
      text
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/[`*]/g, '')
        .replace(/\s+/g, ' ');
    const descriptions = plain(
      JSON.stringify(spec)
        .match(/"description":"(?:[^"\\]|\\.)*"/g)!
        .map((d) => JSON.parse(`{${d}}`).description as string)
        .join(' '),
    );
    for (const query of ['increments', 'remote', 'envelope']) {
      const snippets = await searchSnippets(page, query);
      expect(snippets.length, query).toBeGreaterThan(0);
      for (const snippet of snippets)
        expect(descriptions, `${query}: ${snippet}`).toContain(
          snippet
            .replace(/^\.\.\./, '')
            .replace(/\.\.\.$/, '')
            .trim(),
        );
    }
  }, 60_000);

  it('is served by the server at /docs/ with the guides beside it', async () => {
    const app = await startHarness('sqlite');
    try {
      const redirect = await fetch(`${app.url}/docs`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/docs/']);
      expect((await fetch(`${app.url}/docs/`)).headers.get('content-type')).toMatch(/^text\/html/);
      const guide = await fetch(`${app.url}/docs/quickstart.md`);
      expect([guide.status, guide.headers.get('content-type')]).toEqual([200, 'text/markdown; charset=utf-8']);
      expect((await fetch(`${app.url}/docs/nothing.md`)).status).toBe(404);
      expect((await fetch(`${app.url}/docs/..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('logs no console error and sends no request off the machine', () => {
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.external).toEqual([]);
  });
});
