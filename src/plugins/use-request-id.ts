import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const HEADER = 'x-request-id';
/** An incoming id is kept only if it is short and plain, so it cannot forge log lines. */
const SAFE_ID = /^[\w.:-]{1,128}$/;
const ids = new WeakMap<Request, string>();

/** The request's id: the client's `x-request-id` when it is safe, else a new UUID. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    const incoming = request.headers.get(HEADER);
    id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Gives every request an id, returns it in `x-request-id`; logs and backend calls carry it. */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set(HEADER, requestIdOf(request));
    },
  };
}
