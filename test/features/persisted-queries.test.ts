import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** What catalog's `public, max-age=30` allows a CDN: up to 30 s, less the age of a cached answer. */
const FRESH_FOR_30 = /^max-age=([1-9]|[12]\d|30)$/;

/**
 * Automatic persisted queries with Apollo Client's own link (`createPersistedQueryLink`, node's
 * sha256), against a BFF listening on a real socket. Every request the link sends is recorded
 * from its fetch, so the tests see the protocol: hash alone, PERSISTED_QUERY_NOT_FOUND, the
 * retry with the document, then the hash alone again.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Seen {
  method: string;
  /** The document travelled with the request. */
  withQuery: boolean;
  hash: string | undefined;
  status: number;
  cacheControl: string | null;
  codes: string[];
}

let stack: Stack;
const seen: Seen[] = [];

beforeAll(async () => {
  stack = await startStack({ http: true });
});
afterAll(() => stack.close());
beforeEach(async () => {
  seen.length = 0;
  await stack.reset();
});

/** A fetch that records what the link sent and what came back. */
const recordingFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  const method = init?.method ?? 'GET';
  const params =
    method === 'GET'
      ? { query: url.searchParams.get('query'), extensions: JSON.parse(url.searchParams.get('extensions') ?? '{}') }
      : (JSON.parse(String(init?.body)) as { query?: string; extensions?: any });
  const response = await fetch(input, init);
  const body = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  seen.push({
    method,
    withQuery: typeof params.query === 'string',
    hash: params.extensions?.persistedQuery?.sha256Hash,
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    codes: (body.errors ?? []).map((e) => e.extensions?.code ?? ''),
  });
  return response;
};

/** A fresh client, as a new page load would have: its link knows no hashes yet. */
function apolloClient(options: { get?: boolean; headers?: Record<string, string> } = {}) {
  const http = new HttpLink({
    uri: `${stack.http!.url}/graphql`,
    fetch: recordingFetch,
    // A GET needs one of the CSRF headers (src/edge/use-csrf-prevention.ts).
    headers: { 'x-graphql-client-name': 'storefront-web', ...options.headers },
  });
  return new ApolloClient({
    link: createPersistedQueryLink({ sha256, useGETForHashedQueries: options.get ?? false }).concat(http),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'no-cache' } },
  });
}

describe('automatic persisted queries with Apollo Client', () => {
  it('POST: an unseen hash is PERSISTED_QUERY_NOT_FOUND, the link sends the document, the next client the hash alone', async () => {
    const query = gql`
      query ProductName {
        product(id: "11") {
          id
          name
        }
      }
    `;
    const first = await apolloClient().query({ query });
    expect(first.data).toEqual({ product: { __typename: 'Product', id: '11', name: expect.any(String) } });
    const hash = seen[0]!.hash!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(seen).toEqual([
      { method: 'POST', withQuery: false, hash, status: 404, cacheControl: null, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', withQuery: true, hash, status: 200, cacheControl: null, codes: [] },
    ]);

    seen.length = 0;
    const second = await apolloClient().query({ query });
    expect(second.data).toEqual(first.data);
    expect(seen).toEqual([{ method: 'POST', withQuery: false, hash, status: 200, cacheControl: null, codes: [] }]);
    // The not-found round trip cost no backend call: two answers, two catalog calls.
    expect(await stack.backend.catalog.calls()).toBe(2);
  });

  it('GET (useGETForHashedQueries): the hash alone over GET, the document over POST once, then GETs a CDN can keep', async () => {
    // No backend call: the answer (viewer is null without a token) is the same for every anonymous request.
    const query = gql`
      query Anonymous {
        viewer {
          id
        }
      }
    `;
    const first = await apolloClient({ get: true }).query({ query });
    expect(first.data).toEqual({ viewer: null });
    const hash = seen[0]!.hash!;
    expect(seen).toEqual([
      // A CDN must not keep the miss, or the client could never get past it.
      { method: 'GET', withQuery: false, hash, status: 404, cacheControl: 'no-store', codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', withQuery: true, hash, status: 200, cacheControl: null, codes: [] },
    ]);

    seen.length = 0;
    await apolloClient({ get: true }).query({ query });
    expect(seen).toEqual([{ method: 'GET', withQuery: false, hash, status: 200, cacheControl: 'max-age=60', codes: [] }]);
  });

  it('GET answers are as fresh as the backends said, private with credentials, and not cacheable with errors', async () => {
    const client = apolloClient({ get: true });
    const product = gql`
      query Product7 {
        product(id: "7") {
          name
        }
      }
    `;
    await client.query({ query: product });
    seen.length = 0;
    await client.query({ query: product });
    // Catalog says `public, max-age=30` of its products: the answer may be kept as long, less the
    // age of an answer served from the HTTP cache (src/edge/answer-cacheability.ts).
    expect(seen.map((s) => [s.method, s.status, s.cacheControl])).toEqual([['GET', 200, expect.stringMatching(FRESH_FOR_30)]]);

    const viewer = gql`
      query Viewer {
        viewer {
          id
        }
      }
    `;
    const withToken = apolloClient({ get: true, headers: { authorization: 'Bearer token-4' } });
    await withToken.query({ query: viewer });
    seen.length = 0;
    const mine = await withToken.query({ query: viewer });
    expect(mine.data).toEqual({ viewer: { __typename: 'User', id: '4' } });
    expect(seen.map((s) => [s.method, s.status, s.cacheControl])).toEqual([['GET', 200, 'private, no-store']]);

    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 500 });
    const stock = gql`
      query Stock {
        product(id: "8") {
          stock {
            available
          }
        }
      }
    `;
    seen.length = 0;
    const partial = await client.query({ query: stock, errorPolicy: 'all' });
    expect(partial.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', withQuery: true, status: 200 });
    seen.length = 0;
    await client.query({ query: stock, errorPolicy: 'all' });
    expect(seen.map((s) => [s.method, s.status, s.cacheControl])).toEqual([['GET', 200, 'no-store']]);
  });
});

/** The protocol's refusals, sent by hand. */
describe('what is not registered', () => {
  const post = (body: object) =>
    fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
    }));
  const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

  it('a hash that is not the document’s is PERSISTED_QUERY_MISMATCH, and neither hash is registered', async () => {
    const query = '{ product(id: "12") { name } }';
    const wrong = sha256('something else');
    const mismatch = await post({ query, ...persisted(wrong) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
    for (const hash of [wrong, sha256(query)]) expect((await post(persisted(hash))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await stack.calls()).toMatchObject({ catalog: 0 });
  });

  it('a document the edge refuses (too deep, unknown field) is not registered', async () => {
    const deep =
      '{ product(id: "1") { reviews { author { reviews { author { reviews { author { reviews { author { reviews { author { name } } } } } } } } } } } }';
    const unknown = '{ product(id: "1") { colour } }';
    for (const query of [deep, unknown]) {
      const refused = await post({ query, ...persisted(sha256(query)) });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect((await post(persisted(sha256(query)))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
  });
});

describe('with TRUSTED_DOCUMENTS: the manifest only, nothing registered', () => {
  const MANIFEST = fileURLToPath(new URL('../edge/fixtures/trusted-documents.json', import.meta.url));
  const PRODUCT_NAME = '1bb4326150628ac454a310f005ebc31a8780e7e1d385719b2d8bdf3cf92f1119';
  let trusted: Stack;
  beforeAll(async () => {
    trusted = await startStack({ http: true, env: { TRUSTED_DOCUMENTS: MANIFEST } });
  });
  afterAll(() => trusted.close());

  const post = (body: object) =>
    fetch(`${trusted.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      codes: (((await r.json()) as { errors?: Array<{ extensions: { code: string } }> }).errors ?? []).map((e) => e.extensions.code),
    }));

  it('a document sent with its hash is refused, and its hash stays unknown: not found in the list, which clients do not retry', async () => {
    const query = '{ product(id: "1") { name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect(await post({ query, extensions })).toEqual({ status: 400, codes: ['PERSISTED_QUERY_ID_REQUIRED'] });
    expect(await post({ extensions })).toEqual({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'] });
  });

  it("Apollo Client's link runs a manifest operation by the manifest's hash, in one request", async () => {
    seen.length = 0;
    const link = createPersistedQueryLink({ generateHash: () => PRODUCT_NAME, useGETForHashedQueries: true }).concat(
      new HttpLink({ uri: `${trusted.http!.url}/graphql`, fetch: recordingFetch, headers: { 'x-graphql-client-name': 'storefront-web' } }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache(), defaultOptions: { query: { fetchPolicy: 'no-cache' } } });
    const { data } = await client.query({
      query: gql`
        query ProductName($id: ID!) {
          product(id: $id) {
            id
            name
          }
        }
      `,
      variables: { id: '3' },
    });
    expect(data).toEqual({ product: { id: '3', name: expect.any(String) } });
    expect(seen).toEqual([{ method: 'GET', withQuery: false, hash: PRODUCT_NAME, status: 200, cacheControl: expect.stringMatching(FRESH_FOR_30), codes: [] }]);
  });
});
