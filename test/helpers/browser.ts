import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); these tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `SKIP_BROWSER_TESTS=1` skips the browser tests on purpose; a missing Chromium is a failure. */
export const SKIP_BROWSER_TESTS = process.env.SKIP_BROWSER_TESTS === '1';

export interface OfflineChromium {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Requests to anything but the allowed origin, aborted as if the machine had no network. */
  blockedRequests: string[];
  /** Every request that failed, blocked or not, with the browser's reason (`url: errorText`). */
  failedRequests: string[];
  /** Uncaught exceptions in the page, and `console.error` messages of the page. */
  pageErrors: string[];
  /**
   * URLs of every web worker the page started, recorded as they start: `page.workers()` lists only
   * the live ones, and a page may end its workers before a test gets to look.
   */
  workerUrls: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium that can reach only `allowedOrigin` (e.g. `http://127.0.0.1:1234`): every
 * other request is aborted and recorded, so a test proves a page works without internet by
 * asserting both that the page works and that `blockedRequests` stays empty.
 */
export async function launchOfflineChromium(allowedOrigin: string | URL): Promise<OfflineChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests drive Debian's Chromium at ${CHROMIUM_PATH}, which is not installed. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (never download a browser another way), ' +
        'or set SKIP_BROWSER_TESTS=1 to skip these tests.',
    );
  }
  const origin = new URL(allowedOrigin).origin;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext();
    const blockedRequests: string[] = [];
    const failedRequests: string[] = [];
    const pageErrors: string[] = [];
    const workerUrls: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      blockedRequests.push(url);
      return route.abort('internetdisconnected');
    });
    context.on('requestfailed', (request) => {
      failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'unknown error'}`);
    });
    const page = await context.newPage();
    page.on('worker', (worker) => {
      workerUrls.push(worker.url());
      worker.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error in ${worker.url()}: ${message.text()}`);
      });
    });
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    return {
      browser,
      context,
      page,
      blockedRequests,
      failedRequests,
      pageErrors,
      workerUrls,
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
