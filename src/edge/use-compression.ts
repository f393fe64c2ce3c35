import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { negotiateEncoding } from '../graphiql/accept-encoding.js';

export interface CompressionOptions {
  /** Bodies smaller than this are sent as they are: below ~1 KB, compressing costs more than it saves. @default 1024 */
  minBytes?: number;
}

/** Media types worth compressing; everything else (already compressed, binary) is left alone. */
const COMPRESSIBLE = /^(application\/(graphql-response\+)?json|text\/(html|plain|css|javascript))\b/i;
/**
 * Answers sent part by part (@defer, @stream): a compressor buffers until it has enough to
 * work with, so the parts would arrive together at the end, which defeats their purpose.
 */
const STREAMED = /^(multipart\/mixed|text\/event-stream)\b/i;
/** Above this, compression runs on libuv's thread pool instead of blocking the event loop. */
const ASYNC_ABOVE_BYTES = 64 * 1024;
// Brotli's default quality (11) is for static files; 4 compresses JSON about as well as gzip -6
// or better, several times faster, which is what an answer made per request needs.
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * gzip or brotli for GraphQL answers (and GraphiQL's page), as the client's `Accept-Encoding`
 * allows (q-values honoured, brotli on a tie), above `minBytes`, with `Vary: Accept-Encoding`
 * on everything that could be compressed, so a shared cache keeps each form apart.
 *
 * Hand-written over node:zlib because @whatwg-node/server's `useContentEncoding` (the one yoga's
 * stack offers) compresses every body whatever its size, streams (multipart, SSE) included with
 * no flush per part, reads `Accept-Encoding` without q-values, and sets no `Vary`. Must be the
 * last plugin: the answer it compresses carries every other plugin's headers.
 */
export function useCompression({ minBytes = 1024 }: CompressionOptions = {}): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      const type = response.headers.get('content-type') ?? '';
      if (request.method === 'HEAD' || response.headers.has('content-encoding') || STREAMED.test(type) || !COMPRESSIBLE.test(type)) return;
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      // A Content-Length above 0 says there is a body; only without one is `body` asked, since
      // whatwg-node's getter turns a string body into a Buffer and a Readable that nobody reads.
      if (!(length > 0) && !response.body) return;
      response.headers.append('vary', 'Accept-Encoding');
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      if (encoding === 'identity' || length < minBytes) return;
      return response.arrayBuffer().then(async (buffer) => {
        const body = new Uint8Array(buffer);
        const headers = new fetchAPI.Headers(response.headers);
        // Without a Content-Length the size was unknown until now: small bodies go as they are.
        if (body.byteLength < minBytes) {
          setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
          return;
        }
        const compressed = await compress(body, encoding);
        headers.set('content-encoding', encoding);
        headers.set('content-length', String(compressed.byteLength));
        // zlib's Buffers sit on plain ArrayBuffers, never shared ones.
        setResponse(new fetchAPI.Response(compressed as Uint8Array<ArrayBuffer>, { status: response.status, statusText: response.statusText, headers }));
      });
    },
  };
}

function compress(body: Uint8Array, encoding: 'br' | 'gzip'): Buffer | Promise<Buffer> {
  const sizeHint = { params: { ...BROTLI.params, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } };
  if (body.byteLength <= ASYNC_ABOVE_BYTES) return encoding === 'br' ? brotliCompressSync(body, sizeHint) : gzipSync(body);
  return encoding === 'br' ? brotliAsync(body, sizeHint) : gzipAsync(body);
}
