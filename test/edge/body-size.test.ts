import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, record, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/** Request bodies over MAX_BODY_BYTES: 413 before parsing, whether announced or streamed. */
let stack: Stack;
beforeAll(async () => {
  // A small limit keeps the test bodies small; the default (100 KiB) works the same way.
  stack = await startEdgeStack({ http: true, env: { MAX_BODY_BYTES: '2048' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** A raw request over the socket, so the test controls Content-Length and chunking. */
function rawPost(headers: Record<string, string>, write: (req: ReturnType<typeof httpRequest>) => void) {
  const url = new URL(`${stack.http!.url}/graphql`);
  return new Promise<{ status: number; headers: Headers; text: string; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const responseHeaders = new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)] as [string, string]));
          const result = { status: res.statusCode!, headers: responseHeaders, text, ms: performance.now() - started };
          record({ label: `raw POST ${JSON.stringify(headers)}`, ...result });
          resolve(result);
        });
      },
    );
    // The server may answer and close before the body is all written: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    write(req);
  });
}

const bigQuery = (bytes: number) => JSON.stringify({ query: `{ product(id: "1") { name } } # ${'x'.repeat(bytes)}` });

describe('request body size', () => {
  it('a body under the limit runs', async () => {
    const response = await send(stack, { body: { query: '{ product(id: "1") { name } }' } });
    expect(response.status).toBe(200);
  });

  it('a Content-Length over the limit is refused at once, without waiting for the body', async () => {
    // 10 MB announced, nothing sent: an answer proves the server did not wait to read it.
    const response = await rawPost({ 'content-length': String(10_000_000) }, (req) => req.flushHeaders());
    expect(response.status).toBe(413);
    expect(response.ms).toBeLessThan(1000);
    expect(JSON.parse(response.text).errors[0]).toMatchObject({
      message: expect.stringMatching(/^Request body too large/),
      extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
    });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    await expectNoBackendCalls(stack);
  });

  it('a chunked body with no Content-Length is counted as it streams, and refused past the limit', async () => {
    const body = bigQuery(8 * 1024);
    const response = await rawPost({ 'transfer-encoding': 'chunked' }, (req) => {
      for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
      req.end();
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    await expectNoBackendCalls(stack);
  });

  it('a JSON body just over the limit is refused the same way through fetch', async () => {
    const response = await send(stack, { body: bigQuery(2048), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(413);
    expect(response.json.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    await expectNoBackendCalls(stack);
  });

  it('a Content-Length that understates the body is no way around the limit where no HTTP parser enforced it', async () => {
    // Through yoga.fetch the header is only a claim: the body is counted as it is read.
    const body = bigQuery(4096);
    const response = await stack.bff.yoga.fetch('http://bff.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
      body,
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    await expectNoBackendCalls(stack);
  });

  it('a Content-Length that is not one number is a 400', async () => {
    const response = await stack.bff.yoga.fetch('http://bff.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '10, 10' },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('Content-Length header is invalid.');
  });
});

scanEveryResponse();
