// Opens the built Redoc page in Debian's Chromium (playwright-core, no downloaded browser) from a
// local server, with every request to another host blocked and recorded, and reports which
// operations it fails to render. Used by scripts/docs.test.ts.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json',
};
const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Serves a folder read-only on 127.0.0.1 with a random port. */
export async function serveFolder(folder: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(folder, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(folder + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the docs browser test needs it. Run \`apt-get install -y chromium\` (as root; .ci/run and the Makefile do it when missing).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface PageWatch {
  external: string[];
  consoleErrors: string[];
}

/** Blocks and records every request that would leave the machine; collects console errors. */
export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { external: [], consoleErrors: [] };
  await page.context().route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (LOCAL.has(url.hostname)) return route.continue();
    watch.external.push(url.href);
    return route.abort('blockedbyclient');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.consoleErrors.push(`uncaught: ${error.message}`));
  return watch;
}

/**
 * The server-rendered HTML has no hash links to operations; they appear once Redoc has hydrated
 * the page. (Links written in descriptions, `#/schemas/errorcode`, are there from the start.)
 */
export async function waitForRedoc(page: Page): Promise<void> {
  await page.locator('#redoc a[href^="#/"]:not([href^="#/schemas"])').first().waitFor({ state: 'attached', timeout: 20_000 });
}

export interface ExpectedOperation {
  operationId: string;
  summary: string;
  method: string;
  path: string;
}

/**
 * Redoc 3 gives each operation a hash route `#/<tag>/<operationid>` (lower case) and renders
 * its section lazily, so each one is opened in turn and its summary must appear in it.
 */
export async function missingOperations(page: Page, expected: ExpectedOperation[]): Promise<string[]> {
  const hrefs = await page.locator('#redoc a[href^="#/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const missing: string[] = [];
  for (const op of expected) {
    const href = hrefs.find((h) => h.toLowerCase().endsWith(`/${op.operationId.toLowerCase()}`));
    if (href === undefined) {
      missing.push(`${op.operationId}: no link to it in the rendered page`);
      continue;
    }
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, href);
    const section = page
      .locator(`[data-section-id="${href.slice(1)}"]`)
      .filter({ hasText: op.summary })
      .filter({ hasText: op.path });
    try {
      await section.first().waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      missing.push(`${op.operationId}: "${op.summary}" (${op.method} ${op.path}) is not rendered at ${href}`);
    }
  }
  return missing;
}

/** The text snippets Redoc's search shows for `query` (the longest line of each result). */
export async function searchSnippets(page: Page, query: string): Promise<string[]> {
  await page.getByText('Search', { exact: false }).first().click();
  const dialog = page.locator('[data-testid="search-dialog"]');
  await dialog.locator('input').fill(query);
  const items = dialog.locator('[data-component-name="Search/SearchItem"]');
  await items.first().waitFor({ state: 'visible', timeout: 10_000 });
  const texts = await items.evaluateAll((links) => links.map((a) => (a as HTMLElement).innerText));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  return texts.map((text) => text.split('\n').reduce((a, b) => (b.length > a.length ? b : a), ''));
}
