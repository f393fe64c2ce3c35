import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../src/graphiql/accept-encoding.js';
import { renderOfflineGraphiQL, useOfflineGraphiQL } from '../../src/graphiql/use-offline-graphiql.js';
import { ASSETS_BASE, createTestYoga, GRAPHIQL_DIST } from './test-yoga.js';

const DIST = GRAPHIQL_DIST;
const BASE = ASSETS_BASE; // '/graphiql-assets/<version>/'

const CONTENT_TYPES: Record<string, string> = {
  'graphiql.css': 'text/css; charset=utf-8',
  'yoga-graphiql.umd.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
};

const yoga = createTestYoga();
// yoga.fetch answers synchronously when no hook is async: always await it, never `.then` it.
const get = async (url: string, headers: Record<string, string> = {}) => await yoga.fetch(`http://bff.test${url}`, { headers });

/** The GraphiQL page as a browser asks for it. */
async function page(server: { fetch: typeof yoga.fetch } = yoga): Promise<string> {
  const response = await server.fetch('http://bff.test/graphql', { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

/** Every same-origin path the page points at: <link href>, <script src> and the worker URLs. */
function assetPaths(html: string): string[] {
  return [...new Set(html.match(/\/graphiql-assets\/[^"'\s]+/g) ?? [])].sort();
}

describe('the GraphiQL page', () => {
  it('is small and refers to nothing but this server', async () => {
    const html = await page();
    expect(Buffer.byteLength(html)).toBeLessThan(4 * 1024);
    // No absolute URL at all, so no other host; protocol-relative URLs (//host) neither.
    expect(html.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi) ?? []).toEqual([]);
    expect(html).not.toMatch(/(?:src|href)="\/\//);
    expect(assetPaths(html)).toEqual(
      Object.keys(CONTENT_TYPES)
        .map((file) => BASE + file)
        .sort(),
    );
  });

  it("passes yoga's GraphiQL options through, escaped", async () => {
    const options = {
      title: '</script><script>alert("title")</script>',
      defaultQuery: '{ hello }\n# </script><!-- \u2028',
      endpoint: '/graphql',
      headers: JSON.stringify({ authorization: 'Bearer x' }),
    };
    const html = await page(createTestYoga(options));
    expect(html).toContain('<title>&#60;/script&#62;&#60;script&#62;alert(&#34;title&#34;)&#60;/script&#62;</title>');
    // The only </script> tags are the page's own three.
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    const literal = /renderYogaGraphiQL\(document\.getElementById\('root'\), (.*)\);<\/script>/.exec(html)?.[1];
    expect(JSON.parse(literal ?? 'null')).toEqual(options);
  });

  it('follows a custom assetsPath', async () => {
    const custom = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
      plugins: [useOfflineGraphiQL({ assetsPath: '/static/graphiql/' })],
      renderGraphiQL: (opts) => renderOfflineGraphiQL(opts, '/static/graphiql/'),
      logging: false,
    });
    const html = await page(custom);
    const css = `${BASE.replace('/graphiql-assets/', '/static/graphiql/')}graphiql.css`;
    expect(html).toContain(`href="${css}"`);
    expect((await custom.fetch(`http://bff.test${css}`)).status).toBe(200);
    expect((await custom.fetch(`http://bff.test${BASE}graphiql.css`)).status).toBe(404);
  });

  it('rejects an assetsPath that is not a plain absolute path', () => {
    expect(() => useOfflineGraphiQL({ assetsPath: 'graphiql' })).toThrow(/absolute URL path.*got "graphiql"/);
    for (const assetsPath of ['/a/../b', '//cdn.test/x', '/a//b', '/./a', '/', '/a b', '/a?b']) {
      expect(() => useOfflineGraphiQL({ assetsPath }), assetsPath).toThrow(`got ${JSON.stringify(assetsPath)}`);
      expect(() => renderOfflineGraphiQL({}, assetsPath), assetsPath).toThrow(`got ${JSON.stringify(assetsPath)}`);
    }
  });
});

describe.each(Object.entries(CONTENT_TYPES))(
  'the asset %s',
  (file, contentType) => {
    const original = readFileSync(path.join(DIST, file));

    it.each([
      ['identity', undefined, (body: Buffer) => body],
      ['gzip', 'gzip', gunzipSync],
      ['br', 'gzip, deflate, br, zstd', brotliDecompressSync],
    ] as const)('is served %s, cacheable forever, and revalidates with its ETag', async (encoding, accept, decode) => {
      const response = await get(BASE + file, accept ? { 'accept-encoding': accept } : {});
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('vary')).toBe('accept-encoding');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-encoding')).toBe(encoding === 'identity' ? null : encoding);
      const body = Buffer.from(await response.arrayBuffer());
      expect(response.headers.get('content-length')).toBe(String(body.byteLength));
      if (encoding !== 'identity') expect(body.byteLength).toBeLessThan(original.byteLength);
      expect(decode(body).equals(original)).toBe(true);

      const etag = response.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]+"$/);
      for (const ifNoneMatch of [etag!, `W/${etag}`, `"other", ${etag}`]) {
        const revalidated = await get(BASE + file, { 'if-none-match': ifNoneMatch, ...(accept ? { 'accept-encoding': accept } : {}) });
        expect(revalidated.status).toBe(304);
        expect(revalidated.headers.get('etag')).toBe(etag);
        expect(revalidated.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(await revalidated.text()).toBe('');
      }
    });
  },
  30_000,
);

describe('asset requests', () => {
  it('give each encoding its own ETag', async () => {
    const etags = await Promise.all(
      [undefined, 'gzip', 'br'].map((accept) => get(`${BASE}graphiql.css`, accept ? { 'accept-encoding': accept } : {}).then((r) => r.headers.get('etag'))),
    );
    expect(new Set(etags).size).toBe(3);
    // A gzip ETag does not revalidate the brotli body.
    const response = await get(`${BASE}graphiql.css`, { 'accept-encoding': 'br', 'if-none-match': etags[1]! });
    expect(response.status).toBe(200);
  });

  it('answer HEAD with the headers only and other methods with 405', async () => {
    const head = await yoga.fetch(`http://bff.test${BASE}graphiql.css`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(readFileSync(path.join(DIST, 'graphiql.css')).byteLength));
    expect(await head.text()).toBe('');
    const post = await yoga.fetch(`http://bff.test${BASE}graphiql.css`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  const outside = [
    `${BASE}../package.json`,
    `${BASE}%2e%2e/package.json`,
    `${BASE}%2E%2E/%2e%2e/package.json`,
    `${BASE}..%2fpackage.json`,
    `${BASE}%2e%2e%2f..%2fpackage.json`,
    `${BASE}monacoeditorwork/..%2f..%2fpackage.json`,
    `${BASE}../../../../../../etc/passwd`,
    `${BASE}/etc/passwd`,
    `${BASE}%2fetc%2fpasswd`,
    `${BASE}%5c..%5cpackage.json`,
    `${BASE}yoga-graphiql.es.js`,
    `${BASE}monacoeditorwork`,
    `${BASE}constructor`,
    `${BASE}__proto__`,
    `${BASE}graphiql.css%00.js`,
    `${BASE}GRAPHIQL.CSS`,
    `/graphiql-assets/0.0.1/graphiql.css`,
    `/graphiql-assets/graphiql.css`,
    `/graphiql-assets/`,
  ];

  it.each(outside)('404 outside the whitelist: %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/"version"|root:/);
  });

  // A client can send `..` raw on the wire (fetch and URL normalise it away); Node's parser and
  // the plugin must still refuse it.
  it('404 for traversal sent raw over HTTP', async () => {
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const rawPath of [`${BASE}../../package.json`, `${BASE}..\\..\\package.json`, `${BASE}%2e%2e/%2e%2e/package.json`]) {
        const status = await new Promise<number | undefined>((resolve, reject) =>
          httpRequest({ host: '127.0.0.1', port, path: rawPath }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          })
            .on('error', reject)
            .end(),
        );
        expect({ rawPath, status }).toEqual({ rawPath, status: 404 });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('negotiateEncoding', () => {
  it.each([
    [null, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['deflate', 'identity'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['GZIP;Q=0.1, BR;Q=0.2', 'br'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['br;q=abc, gzip', 'gzip'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
