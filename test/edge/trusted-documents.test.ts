import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, gql, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/**
 * TRUSTED_DOCUMENTS: only the operations of the manifest run, named by their sha256 hash, as
 * `documentId` or as `extensions.persistedQuery.sha256Hash`.
 */
const MANIFEST = fileURLToPath(new URL('./fixtures/trusted-documents.json', import.meta.url));
const PRODUCT_NAME = '1bb4326150628ac454a310f005ebc31a8780e7e1d385719b2d8bdf3cf92f1119';
const PRODUCT_PAGE = '58c92816aa6a5845d5d15c0f8ed5fcacdaa7b6252529aecaf484b9d53de3a830';

let stack: Stack;
beforeAll(async () => {
  stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'production', LOG_PRETTY: 'false', TRUSTED_DOCUMENTS: MANIFEST } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('trusted documents', () => {
  it('runs a listed document named by `documentId` (sha256:<hash> or the bare hash)', async () => {
    for (const documentId of [`sha256:${PRODUCT_NAME}`, PRODUCT_NAME]) {
      const response = await send(stack, { body: { documentId, variables: { id: '7' } } });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ data: { product: { id: '7', name: expect.any(String) } } });
    }
  });

  it('runs a listed document named the persisted-query way, over POST and GET', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: PRODUCT_PAGE } };
    const post = await send(stack, { body: { extensions } });
    expect(post.json.data.products.nodes).toHaveLength(20);
    const get = await send(stack, {
      method: 'GET',
      path: `/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`,
      headers: { 'x-graphql-client-name': 'web' },
    });
    expect(get.status).toBe(200);
    expect(get.json.data.products.nodes).toHaveLength(20);
  });

  it('refuses any other query, even a harmless one, before it is parsed', async () => {
    const response = await gql(stack, '{ product(id: "1") { name } }');
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      {
        message: "Only trusted documents run here: send the document's hash as `documentId` or `extensions.persistedQuery.sha256Hash`, not a query.",
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' },
      },
    ]);
    await expectNoBackendCalls(stack);
  });

  it('refuses a hash that is not in the manifest', async () => {
    const response = await send(stack, { body: { documentId: `sha256:${'0'.repeat(64)}` } });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    await expectNoBackendCalls(stack);
  });

  it('refuses a request naming no document', async () => {
    const response = await send(stack, { body: { variables: { id: '1' } } });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });
});

describe('the manifest is checked at start', () => {
  const write = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'bff-manifest-')), 'manifest.json');
    writeFileSync(path, content);
    return path;
  };
  const problemsOf = (path: string) => {
    try {
      loadConfig({ TRUSTED_DOCUMENTS: path });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    return '';
  };

  it('a hash that does not match its document, a document that does not parse, a missing file: the start fails saying which', () => {
    expect(problemsOf(write(JSON.stringify({ [PRODUCT_NAME]: '{ product(id: "1") { name } }' })))).toMatch(
      /TRUSTED_DOCUMENTS: .*the document under 1bb43.* hashes to /,
    );
    expect(problemsOf(write(JSON.stringify({ 'not-a-hash': '{ a }' })))).toMatch(/is not a lower-case hex sha256 hash/);
    expect(problemsOf(write('{ "truncated": '))).toMatch(/cannot read .* as JSON/);
    expect(problemsOf('/nonexistent/manifest.json')).toMatch(/TRUSTED_DOCUMENTS: cannot read \/nonexistent\/manifest.json/);
    expect(problemsOf(MANIFEST)).toBe('');
  });
});

scanEveryResponse();
