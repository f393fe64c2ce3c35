import { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { invalidContentLength, requestBodyTooLarge } from '../errors/public-errors.js';

export interface RequestBodyLimitOptions {
  /** Most bytes a request body may have (yoga's `maxRequestBodySize`, which must then be `false`). */
  maxBytes: number;
}

/** Only one non-negative integer is a valid Content-Length (`1, 2` is a smuggling attempt). */
const CONTENT_LENGTH = /^\d+$/;

/**
 * Yoga's `maxRequestBodySize`, with the same answers (400 for a malformed Content-Length, 413
 * for one over the limit or a body that streams past it), minus its price on every request.
 *
 * Yoga counts every body as it streams, Content-Length or not: a TransformStream, a
 * `stream.pipeline` with its AbortController, and on every request's end an `abort()` that
 * builds a DOMException with a stack. That was ~10 % of the BFF's CPU on the listing. A body
 * that node:http's parser reads with a Content-Length cannot be longer than it (llhttp reads
 * exactly that many bytes, and refuses a request that also says `Transfer-Encoding`), and the
 * Content-Length is checked against the limit before anything is read: such a body needs no
 * counting. Every other body is counted as yoga does: chunked ones, bodies a plugin replaced
 * (decompressed ones have no Content-Length), and requests that did not come from node:http
 * (`yoga.fetch`, where a Content-Length header is only a claim).
 *
 * Hand-written because yoga does not export its limiter; must be the last plugin that sets a
 * request parser, so it wraps whichever one was picked (yoga puts its own after every plugin).
 */
export function useRequestBodyLimit({ maxBytes }: RequestBodyLimitOptions): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI, serverContext }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!CONTENT_LENGTH.test(contentLength)) throw invalidContentLength();
        if (Number(contentLength) > maxBytes) throw requestBodyTooLarge(maxBytes);
        if (readByNodeHttp(request, serverContext)) return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(countedBody(req, maxBytes, fetchAPI)));
    },
  };
}

/**
 * Whether the request's body is still the socket's, as node:http parsed it. whatwg-node keeps
 * what a body was made from as `bodyInit` (not in its types): the IncomingMessage itself when
 * the server adapter made the Request from it. Anything else (a replaced body, another
 * adapter, a whatwg-node that renamed the field) is counted.
 */
function readByNodeHttp(request: Request, serverContext: unknown): boolean {
  const socketRequest = (serverContext as { req?: unknown } | undefined)?.req;
  return socketRequest instanceof IncomingMessage && (request as Request & { bodyInit?: unknown }).bodyInit === socketRequest;
}

/** The request with its body counted as it streams, failing with 413 past `maxBytes` (yoga's own way). */
function countedBody(request: Request, maxBytes: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  const body = request.body!;
  // A native ReadableStream needs the native TransformStream, whatwg-node's its own (yoga#4583).
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytesRead = 0;
  const counted = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        if (bytesRead > maxBytes) return controller.error(requestBodyTooLarge(maxBytes));
        controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: counted,
    // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types lack it.
    duplex: 'half',
  });
}
