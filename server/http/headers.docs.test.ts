// The docs page under the policy the server really sends: Redoc must still render every
// operation, with no Content-Security-Policy violation in the console.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, missingOperations, waitForRedoc, watchPage } from '../../scripts/docs-page.ts';
import { operations, type Spec } from '../../scripts/errors-doc.ts';
import { startHarness, type Harness } from '../test/harness.ts';

const spec = JSON.parse(readFileSync(new URL('../../generated/openapi.public.json', import.meta.url), 'utf8')) as Spec;

describe('GET /docs in headless Chromium, with the served security headers', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('docsPage_underItsCsp_rendersEveryOperationWithoutViolations', async () => {
    const page = await browser.newPage();
    const watch = await watchPage(page);
    const violations: string[] = [];
    page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && violations.push(m.text())));
    await page.goto(`${h.url}/docs`, { waitUntil: 'load' });
    await waitForRedoc(page);
    const expected = operations(spec).map(({ operationId, summary, method, path }) => ({ operationId, summary, method, path }));
    expect(await missingOperations(page, expected)).toEqual([]);
    expect(violations).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    // The policy is live: a script the page did not ship is refused.
    const injected = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(injected).toBe(false);
  }, 120_000);
});
