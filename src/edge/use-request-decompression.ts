import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestBodyTooLarge, undecodableBody, unsupportedContentEncoding } from '../errors/public-errors.js';

export interface RequestDecompressionOptions {
  /** Most bytes a body may have, compressed and decoded alike (yoga's `maxRequestBodySize`). */
  maxBytes: number;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Request bodies sent with `Content-Encoding: gzip`, `deflate` or `br` are decoded, and bounded
 * by `maxBytes` twice: the bytes received (a stream of empty deflate blocks decodes to nothing
 * and would never end) and the bytes they decode to (a 100 KB gzip body can inflate to
 * gigabytes). Decoding stops at the first byte over either limit, with 413, so a bomb costs at
 * most `maxBytes` of memory. An unknown coding is 415, a corrupt body 400.
 *
 * Hand-written over node:zlib because @whatwg-node/server's `useContentEncoding` decodes with no
 * limit of its own, keeps the compressed Content-Length on the decoded request (yoga's limit then
 * checks the wrong number), and decodes a stacked `gzip, br` by piping the original body twice.
 */
export function useRequestDecompression({ maxBytes }: RequestDecompressionOptions): Plugin {
  let endpoint = '/graphql';
  return {
    onYogaInit({ yoga }) {
      endpoint = yoga.graphqlEndpoint;
    },
    onRequest({ request, url, setRequest, endResponse, fetchAPI }) {
      const coding = request.headers.get('content-encoding')?.trim().toLowerCase();
      if (!coding || coding === 'identity' || !request.body || url.pathname !== endpoint) return;
      const reply = ({ message, extensions }: GraphQLError) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: extensions.code } }] }), {
            status: (extensions.http as { status: number }).status,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      const decoder = DECODERS[coding];
      if (!decoder) {
        reply(unsupportedContentEncoding(coding));
        return;
      }
      if (Number(request.headers.get('content-length')) > maxBytes) {
        reply(requestBodyTooLarge(maxBytes));
        return;
      }
      const headers = new fetchAPI.Headers(request.headers);
      headers.delete('content-encoding');
      // The decoded length is not known in advance; yoga counts it again as it reads.
      headers.delete('content-length');
      setRequest(
        new fetchAPI.Request(request.url, {
          method: request.method,
          headers,
          signal: request.signal,
          body: decodedBody(request.body, decoder(), maxBytes, fetchAPI.ReadableStream),
          // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types lack it.
          duplex: 'half',
        }),
      );
    },
  };
}

/**
 * The decoded body as a web stream that errors (413, 400) instead of going past the limits.
 * On an error it stops reading but leaves the incoming body alone: cancelling it would close
 * the socket before yoga has sent the 413, and node:http discards what is left once the answer
 * is sent.
 */
function decodedBody(body: ReadableStream<Uint8Array>, decoder: Transform, maxBytes: number, Stream: typeof ReadableStream): ReadableStream<Uint8Array> {
  let received = 0;
  let decoded = 0;
  const reader = body.getReader();
  // Counts what arrives before the decoder sees it.
  const input = new Readable({
    read() {
      reader.read().then(
        ({ value, done }) => {
          if (done) return void this.push(null);
          received += value.byteLength;
          if (received > maxBytes) return void this.destroy(requestBodyTooLarge(maxBytes));
          this.push(value);
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
  });
  input.on('error', (error) => decoder.destroy(error));
  input.pipe(decoder);
  const output = decoder[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stop = () => {
    input.unpipe(decoder);
    input.destroy();
    decoder.destroy();
  };
  return new Stream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await output.next();
        if (done) return controller.close();
        decoded += value.byteLength;
        if (decoded > maxBytes) throw requestBodyTooLarge(maxBytes);
        controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch (error) {
        stop();
        controller.error((error as { extensions?: unknown }).extensions ? error : undecodableBody());
      }
    },
    cancel: stop,
  });
}
