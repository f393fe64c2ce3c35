import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOfflineChromium, SKIP_BROWSER_TESTS, type OfflineChromium } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The offline GraphiQL page (src/graphiql) with @defer, in Debian's Chromium with the network
 * cut: the response pane shows the first part while the deferred field's backend is still
 * busy, then the whole answer.
 */
const STEP = 30_000;
const SLOW_MS = 4000;
const QUERY = '{ product(id: "42") { name ... @defer { stock { available } } } }';

if (SKIP_BROWSER_TESTS) console.warn('Skipping the GraphiQL @defer browser test: SKIP_BROWSER_TESTS=1');

describe.skipIf(SKIP_BROWSER_TESTS)('GraphiQL shows the parts of a deferred answer as they arrive', () => {
  let stack: Stack;
  let chromium: OfflineChromium;
  beforeAll(async () => {
    stack = await startStack({ http: true, env: { BACKEND_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '20000' } });
    chromium = await launchOfflineChromium(stack.http!.url);
    chromium.page.setDefaultTimeout(STEP);
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it('the first part, then the deferred one', async () => {
    const { page } = chromium;
    const name = ((await (await fetch(`${stack.mocks.urls.catalog}/products/42`)).json()) as { name: string }).name;
    await stack.backend.inventory.setFaults({ latencyMs: SLOW_MS });
    // Yoga's GraphiQL takes the document from ?query=.
    await page.goto(`${stack.http!.url}/graphql?query=${encodeURIComponent(QUERY)}`);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    await page.locator('.graphiql-execute-button').click();

    const response = () =>
      page
        .locator('.graphiql-response .view-lines')
        .innerText()
        .then((text) => text.replace(/\u00a0/g, ' '));
    // The name is shown while the stock is not, and its backend call is still running.
    await expect.poll(response, { timeout: STEP }).toContain(name);
    expect(await response()).not.toContain('available');
    expect((await stack.backend.inventory.stats()).inFlight).toBe(1);
    // Then the deferred part, merged into the answer.
    await expect.poll(response, { timeout: STEP }).toContain('"available"');
    expect(chromium.blockedRequests).toEqual([]);
    expect(chromium.pageErrors).toEqual([]);
  }, 90_000);
});
