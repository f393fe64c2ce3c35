import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOfflineChromium, SKIP_BROWSER_TESTS } from '../helpers/browser.js';
import type { OfflineChromium } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { ASSETS_BASE } from './test-yoga.js';

// Generous per-step limits: the first request compresses the 5 MB bundle, and CI machines are slow.
// Every wait below is for a condition, never for a fixed time.
const STEP = 30_000;

if (SKIP_BROWSER_TESTS) console.warn('Skipping the GraphiQL browser tests: SKIP_BROWSER_TESTS=1');

describe.skipIf(SKIP_BROWSER_TESTS)('GraphiQL in headless Chromium with no internet (SKIP_BROWSER_TESTS=1 skips)', () => {
  let stack: Stack;
  let origin: string;
  let chromium: OfflineChromium;
  // What the server answered, to prove the workers came from it and not from a blob or a CDN.
  const served: string[] = [];

  beforeAll(async () => {
    // The real BFF over real HTTP, with the real mocks behind it.
    stack = await startStack({ http: true });
    stack.http!.server.on('request', (req, res) => {
      res.on('finish', () => served.push(`${res.statusCode} ${req.method} ${req.url}`));
    });
    origin = stack.http!.url;
    chromium = await launchOfflineChromium(origin);
    chromium.page.setDefaultTimeout(STEP);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it('renders GraphiQL from local assets only', async () => {
    const { page } = chromium;
    await page.goto(`${origin}/graphql`);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    expect(await page.title()).toBe('Storefront BFF');
  }, 60_000);

  it('runs a typed query and shows the result', async () => {
    const { page } = chromium;
    const query = '{ product(id: "42") { name price { amount currency } } }';
    const expected = await (await fetch(`${stack.mocks.urls.catalog}/products/42`)).json();
    // Replace the whole document, then delete whatever follows the cursor: Monaco auto-closes
    // the opening brace, and that extra `}` lands after the inserted text.
    await page.locator('.graphiql-query-editor .monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(query);
    await page.keyboard.press('ControlOrMeta+Shift+End');
    await page.keyboard.press('Delete');
    // Yoga's GraphiQL mirrors the editor into ?query=, an exact read of what the editor holds.
    await expect.poll(() => new URL(page.url()).searchParams.get('query'), { timeout: STEP }).toBe(query);

    await page.locator('.graphiql-execute-button').click();

    await expect
      .poll(async () => JSON.parse(normalize(await page.locator('.graphiql-response .view-lines').innerText())), {
        timeout: STEP,
      })
      .toEqual({ data: { product: { name: expected.name, price: expected.price } } });
  }, 60_000);

  it('opens the docs explorer on the schema fetched by introspection', async () => {
    const { page } = chromium;
    const docs = page.locator('.graphiql-doc-explorer');
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await docs.getByRole('link', { name: 'Query', exact: true }).click();
    await docs.getByRole('link', { name: 'Product', exact: true }).first().click();
    await docs.getByText('Current stock, from the inventory service').waitFor();
    await docs.getByText('averageRating').waitFor();
  }, 60_000);

  it('never left the machine, and the Monaco workers came from this server', async () => {
    const workerFiles = [
      'monacoeditorwork/editor.worker.bundle.js',
      'monacoeditorwork/graphql.worker..bundle.js',
      'monacoeditorwork/json.worker.bundle.js',
    ].map((file) => ASSETS_BASE + file);
    // Monaco starts its workers lazily; by now the editors have asked for all three.
    await expect.poll(() => [...new Set(chromium.workerUrls)].sort(), { timeout: STEP }).toEqual(workerFiles.map((file) => origin + file));
    for (const file of workerFiles) expect(served).toContain(`200 GET ${file}`);
    expect(served.filter((line) => !line.startsWith('200 '))).toEqual([]);
    expect(chromium.blockedRequests).toEqual([]);
    expect(chromium.failedRequests).toEqual([]);
    expect(chromium.pageErrors).toEqual([]);
  }, 60_000);
});

/** Monaco renders spaces as U+00A0; JSON.parse needs plain ones. */
function normalize(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}
