import { request as httpRequest } from 'node:http';
import { brotliCompressSync, brotliDecompressSync, constants, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { meros } from 'meros/browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Compression against a BFF on a real socket, read with node:http so the test sees the bytes
 * on the wire (fetch would decode them). Answers: gzip or brotli as Accept-Encoding allows,
 * above 1 KB; streams never. Requests: compressed bodies decoded, bounded after decoding.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ http: true, env: { BACKEND_TIMEOUT_MS: '10000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over the socket; the body is returned as received, not decoded. */
function raw(options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean }): Promise<Raw> {
  const url = new URL(`${stack.http!.url}${options.path ?? '/graphql'}`);
  return new Promise((resolve, reject) => {
    // A connection of its own: after an early 413 the rest of a declared body would follow on it.
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'POST', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    // The server may answer and close before a large body is all written: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (options.body !== undefined && options.chunked) {
      const body = Buffer.from(options.body);
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(options.body);
  });
}

const LISTING = JSON.stringify({ query: '{ products(first: 50) { nodes { id name price { amount currency } } } }' });
const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

describe('answers', () => {
  it('a 50-product listing asked with gzip comes back gzipped, much smaller, the same JSON', async () => {
    const plain = await raw({ headers: json, body: LISTING });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(4000);
    const gzipped = await raw({ headers: { ...json, 'accept-encoding': 'gzip' }, body: LISTING });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(Number(gzipped.headers['content-length'])).toBe(gzipped.body.length);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(gunzipSync(gzipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    // The representation depends on Accept-Encoding: shared caches must key on it, and on the rest.
    for (const response of [plain, gzipped]) expect(String(response.headers.vary)).toMatch(/Accept-Encoding/);
    expect(gzipped.headers['x-request-id']).toBeTruthy();
  });

  it('brotli when the client takes both, and Accept-Encoding q-values are honoured', async () => {
    const cases: [string, string | undefined][] = [
      ['gzip, deflate, br', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
      ['br;q=0, gzip;q=0', undefined],
      ['*', 'br'],
      ['identity', undefined],
    ];
    for (const [acceptEncoding, expected] of cases) {
      const response = await raw({ headers: { ...json, 'accept-encoding': acceptEncoding }, body: LISTING });
      expect(response.headers['content-encoding'], acceptEncoding).toBe(expected);
      const text = expected === 'br' ? brotliDecompressSync(response.body) : expected === 'gzip' ? gunzipSync(response.body) : response.body;
      expect(JSON.parse(text.toString()).data.products.nodes, acceptEncoding).toHaveLength(50);
    }
  });

  it('an answer under 1 KB is sent as it is', async () => {
    const small = await raw({ headers: { ...json, 'accept-encoding': 'gzip, br' }, body: JSON.stringify({ query: '{ product(id: "1") { name } }' }) });
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString()).data.product.name).toEqual(expect.any(String));
  });

  it('a multipart @defer answer is never compressed, and its parts still arrive one by one', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: 1500 });
    const response = await fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', 'accept-encoding': 'gzip, br' },
      body: JSON.stringify({ query: '{ products(first: 50) { nodes { id name description ... @defer { stock { available } } } } }' }),
    });
    expect(response.headers.get('content-encoding')).toBeNull();
    const parts = await meros<{ hasNext: boolean }>(response);
    if (!(Symbol.asyncIterator in parts)) throw new Error('not a multipart answer');
    const seen: boolean[] = [];
    let whileBusy: Promise<number> | undefined;
    for await (const part of parts) {
      seen.push(part.body.hasNext);
      whileBusy ??= waitFor('the deferred stock call', async () => (await stack.backend.inventory.stats()).inFlight === 1, 1500).then(() => seen.length);
    }
    // The first part (well over 1 KB) came while the stock call was running; the rest followed.
    expect(await whileBusy).toBe(1);
    expect(seen.at(-1)).toBe(false);
  });

  it('an SSE answer is never compressed', async () => {
    const response = await raw({
      headers: { ...json, accept: 'text/event-stream', 'accept-encoding': 'gzip, br' },
      body: JSON.stringify({ query: '{ products(first: 50) { nodes { id name description ... @defer { price { amount } } } } }' }),
    });
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['content-encoding']).toBe('none');
    expect(response.body.toString()).toContain('event: complete');
  });
});

describe('compressed request bodies', () => {
  const QUERY = JSON.stringify({ query: '{ product(id: "9") { id } }' });
  const encoded = (coding: string, body: Buffer | string) => ({ ...json, 'content-encoding': coding, 'content-length': String(Buffer.byteLength(body)) });

  it('gzip, deflate and br bodies are decoded', async () => {
    for (const [coding, body] of [
      ['gzip', gzipSync(QUERY)],
      ['deflate', deflateSync(QUERY)],
      ['br', brotliCompressSync(QUERY)],
    ] as const) {
      const response = await raw({ headers: encoded(coding, body), body });
      expect(response.status, coding).toBe(200);
      expect(JSON.parse(response.body.toString()), coding).toEqual({ data: { product: { id: '9' } } });
    }
  });

  it('a gzip bomb (5 KB that inflates to 5 MB) is 413 once the decoded body passes MAX_BODY_BYTES, and the BFF carries on', async () => {
    const huge = JSON.stringify({ query: `{ __typename } # ${'a'.repeat(5 * 1024 * 1024)}` });
    for (const [coding, bomb] of [
      ['gzip', gzipSync(huge)],
      ['br', brotliCompressSync(huge, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })],
    ] as const) {
      expect(bomb.length).toBeLessThan(stack.config.edge.maxBodyBytes);
      for (const chunked of [false, true]) {
        const response = await raw({ headers: chunked ? { ...json, 'content-encoding': coding } : encoded(coding, bomb), body: bomb, chunked });
        expect(response.status, `${coding} chunked=${chunked}`).toBe(413);
        expect(JSON.parse(response.body.toString()).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
      }
    }
    const after = await raw({ headers: json, body: QUERY });
    expect(after.status).toBe(200);
  });

  it('a body that decodes to nothing is bounded by its received size (endless empty deflate blocks)', async () => {
    // zlib header, 30,000 empty stored blocks (5 bytes each, 150 KB), never a final one.
    const empty = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);
    const body = Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array.from({ length: 30_000 }, () => empty)]);
    const response = await raw({ headers: { ...json, 'content-encoding': 'deflate' }, body, chunked: true });
    expect(response.status).toBe(413);
  });

  it('a compressed body over the limit by its Content-Length is refused before it is read', async () => {
    const response = await raw({ headers: { ...json, 'content-encoding': 'gzip', 'content-length': String(10_000_000) }, body: Buffer.alloc(0) });
    expect(response.status).toBe(413);
  });

  it('a corrupt body is 400 and an unknown coding 415; nothing reaches a backend', async () => {
    const corrupt = Buffer.from('this is not gzip at all, not even close');
    expect((await raw({ headers: encoded('gzip', corrupt), body: corrupt })).status).toBe(400);
    const zstd = await raw({ headers: encoded('zstd', QUERY), body: QUERY });
    expect(zstd.status).toBe(415);
    expect(JSON.parse(zstd.body.toString()).errors[0].extensions.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(await stack.calls()).toMatchObject({ catalog: 0 });
  });
});
