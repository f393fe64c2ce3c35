import { GraphQLError, type ASTNode } from 'graphql';

/**
 * Every `extensions.code` a client can see, in one place: what it means to a frontend
 * developer, whether the same request can succeed if sent again, and the HTTP status when the
 * code decides it. The errors the BFF raises are built only by the factories below; the codes
 * raised by libraries we configure (yoga's parsing, validation and request checks, its APQ
 * plugin, its error mask) are listed because clients see them and our code relies on them, but
 * the library builds those errors.
 *
 * Named `public-errors`, not "catalog": in this codebase the catalog is the product service
 * (`src/backends/catalog/`, `extensions.service: "catalog"`).
 *
 * The README's "Error codes" table is printed from this list (`npx tsx scripts/readme-error-codes.ts --write`),
 * and test/unit/public-errors.test.ts fails when a code appears in `src/` outside this file,
 * or when the README's table is not this list.
 */
export interface PublicCodeInfo {
  /** What happened, and what a client can do about it. */
  readonly meaning: string;
  /** Whether the same request, sent again a little later, can succeed. */
  readonly retryable: boolean;
  /**
   * The HTTP status of the answer when this code decides it (the request stops there). Unset:
   * the error is one entry of `errors[]` beside `data` (the failed field is `null`), status 200.
   */
  readonly status?: number;
  /** Who builds the error: the BFF (with a factory below), or the library whose code we keep. */
  readonly raisedBy: 'bff' | 'yoga' | 'bff, yoga';
}

/** In the order a request meets them: the edge, parsing and validation, execution, the backends. */
const CATALOG = {
  RATE_LIMITED: {
    meaning: 'Too many requests from this client (its bearer token, else its address) in the window; `Retry-After` says in how many seconds to try again.',
    retryable: true,
    status: 429,
    raisedBy: 'bff',
  },
  REQUEST_ENTITY_TOO_LARGE: {
    meaning: 'The request body is larger than `MAX_BODY_BYTES`, as sent or once decoded (`Content-Encoding`). Send a smaller document or fewer variables.',
    retryable: false,
    status: 413,
    raisedBy: 'bff, yoga',
  },
  UNSUPPORTED_CONTENT_ENCODING: {
    meaning: 'The body is compressed with a `Content-Encoding` other than gzip, deflate or br (or several stacked). Send one of those, or none.',
    retryable: false,
    status: 415,
    raisedBy: 'bff',
  },
  CSRF_HEADER_REQUIRED: {
    meaning:
      'A GET or a form/text POST (sent without a CORS preflight) lacks every header of `CSRF_HEADERS`; add one, e.g. `x-graphql-client-name`. JSON POSTs never need it.',
    retryable: false,
    status: 403,
    raisedBy: 'bff',
  },
  BAD_REQUEST: {
    meaning:
      'Not a GraphQL request the BFF can read: a body that is not JSON, `variables` or `extensions` that are not JSON, no `query`, a compressed body that does not decode, a `Content-Length` that is not one number, a batch (JSON array) while batching is off. `405` (with `Allow: POST`) for a mutation sent over GET, `413` for a batch longer than `BATCH_LIMIT`.',
    retryable: false,
    status: 400,
    raisedBy: 'bff, yoga',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    meaning:
      'Automatic persisted queries: the BFF does not know this hash (yet). Send the request again with its `query`; Apollo Client’s and urql’s links do it on their own. Never cached by a CDN.',
    retryable: false,
    status: 404,
    raisedBy: 'yoga',
  },
  PERSISTED_QUERY_MISMATCH: {
    meaning: 'Automatic persisted queries: the hash sent is not the sha256 of the `query` sent with it. A client bug.',
    retryable: false,
    status: 400,
    raisedBy: 'yoga',
  },
  PERSISTED_QUERY_ID_REQUIRED: {
    meaning:
      'Trusted documents are on (`TRUSTED_DOCUMENTS`): a `query` text was sent, or no document was named. Send the document’s hash as `documentId` or `extensions.persistedQuery.sha256Hash`.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  PERSISTED_QUERY_NOT_IN_LIST: {
    meaning:
      'Trusted documents are on: this hash is not in the manifest, so the document was not built with the frontend this BFF serves (a version mismatch).',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  GRAPHQL_PARSE_FAILED: {
    meaning: 'The document is not valid GraphQL syntax; the message and `locations` say where.',
    retryable: false,
    status: 400,
    raisedBy: 'yoga',
  },
  MAX_TOKENS_LIMIT: {
    meaning: 'The document has more lexical tokens than `MAX_TOKENS`; it is refused while parsing.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  GRAPHQL_VALIDATION_FAILED: {
    meaning:
      'The document does not fit the schema (an unknown field, a missing or mistyped argument…), or asks for `__schema`/`__type` while introspection is off. In production the message has no "Did you mean …".',
    retryable: false,
    status: 400,
    raisedBy: 'yoga',
  },
  MAX_DEPTH_LIMIT: {
    meaning: 'Fields are nested deeper than `MAX_DEPTH` (fragments count as the fields they hold).',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  MAX_ALIASES_LIMIT: {
    meaning: 'The operation has more aliases than `MAX_ALIASES`.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  MAX_DIRECTIVES_LIMIT: {
    meaning: 'The operation has more directives than `MAX_DIRECTIVES`.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  MAX_ROOT_FIELDS_LIMIT: {
    meaning: 'The operation has more top-level fields than `MAX_ROOT_FIELDS` (`__typename` is free); split it or select less.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  OPERATION_RESOLUTION_FAILURE: {
    meaning: 'No operation to run: `operationName` names none of the document’s operations, or the document has several and no `operationName`.',
    retryable: false,
    status: 400,
    raisedBy: 'yoga',
  },
  COST_ESTIMATED_TOO_EXPENSIVE: {
    meaning:
      'What the query would make the backends do exceeds `MAX_COST` (`extensions.cost` and `maxCost` give both); ask for fewer items or fewer nested lists. Refused before any resolver, `data: null`.',
    retryable: false,
    status: 400,
    raisedBy: 'bff',
  },
  BAD_USER_INPUT: {
    meaning:
      'An argument or input breaks a rule the schema cannot state: a list size outside 0…`MAX_LIST_SIZE` (`extensions.argument` names it; found before execution it is a `400` with `data: null`), a malformed `placeOrder` input, or an `idempotencyKey` reused for other items.',
    retryable: false,
    raisedBy: 'bff',
  },
  UNAUTHENTICATED: {
    meaning:
      'This field needs a valid `Authorization: Bearer` token and the request has none, or one the service refused (`viewer`, `order`, `User.orders`, `placeOrder`). Sign in, then ask again.',
    retryable: false,
    raisedBy: 'bff',
  },
  FORBIDDEN: {
    meaning: 'The token is valid but does not give access to this: another user’s orders, or what the service answered 403 to.',
    retryable: false,
    raisedBy: 'bff',
  },
  BACKEND_UNAVAILABLE: {
    meaning:
      'The service in `extensions.service` refused the connection, reset it or answered 5xx, after the BFF’s own retries. Other fields are unaffected; show the rest of the page.',
    retryable: true,
    raisedBy: 'bff',
  },
  BACKEND_TIMEOUT: {
    meaning:
      'The service gave no complete answer before the deadline: its own timeout, or what was left of the request’s budget (`REQUEST_TIMEOUT_MS`, or less with `x-request-timeout-ms`).',
    retryable: true,
    raisedBy: 'bff',
  },
  BACKEND_BAD_RESPONSE: {
    meaning:
      'The service answered something the BFF cannot use: invalid JSON, the wrong shape, a value outside the contract, an unexpected status. Asking again usually gets the same answer.',
    retryable: false,
    raisedBy: 'bff',
  },
  BACKEND_CIRCUIT_OPEN: {
    meaning: 'The service failed repeatedly, so the BFF is not calling it for a few seconds (`BREAKER_HALF_OPEN_MS`). Try again after that.',
    retryable: true,
    raisedBy: 'bff',
  },
  BACKEND_OVERLOADED: {
    meaning: 'The BFF’s own limit of calls in flight to the service, and its queue, are full (`CONCURRENCY`, `QUEUE`). Try again shortly.',
    retryable: true,
    raisedBy: 'bff',
  },
  BACKEND_RATE_LIMITED: {
    meaning: 'The service answered 429, or its declared rate (`RATE_LIMIT_RPS`) leaves no slot before the deadline. Try again shortly.',
    retryable: true,
    raisedBy: 'bff',
  },
  INTERNAL_SERVER_ERROR: {
    meaning:
      'Something unexpected failed (a bug); the message is always "Unexpected error." and the server’s log has the detail under the answer’s `x-request-id`. A field’s error (200) when other data could be answered, `500` when nothing could.',
    retryable: false,
    raisedBy: 'yoga',
  },
} as const satisfies Record<string, PublicCodeInfo>;

/** A code a client can see in `extensions.code`. */
export type PublicCode = keyof typeof CATALOG;

/** The codes as values (`PublicCode.BACKEND_TIMEOUT`), for code that compares or passes one on. */
export const PublicCode = Object.freeze(Object.fromEntries(Object.keys(CATALOG).map((code) => [code, code]))) as { readonly [C in PublicCode]: C };

/** Every public code with what the catalog says of it, in the catalog's order. */
export const PUBLIC_CODES: ReadonlyArray<readonly [PublicCode, PublicCodeInfo]> = Object.entries(CATALOG) as Array<[PublicCode, PublicCodeInfo]>;

/** Extensions a factory sets besides `code`; `http` tells yoga the answer's status and headers. */
type Http = { status: number; headers?: Record<string, string> };

/** The `http` extension of a code that decides the status, from the catalog, so a status is stated once. */
function httpOf(code: PublicCode, headers?: Record<string, string>): { http: Http } {
  const { status } = CATALOG[code] as PublicCodeInfo;
  if (status === undefined) throw new Error(`${code} decides no HTTP status`);
  return { http: headers ? { status, headers } : { status } };
}

// ---------------------------------------------------------------------------------------------
// The edge: answered before parsing.

export function rateLimited(points: number, windowSeconds: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests: at most ${points} every ${windowSeconds} s per client. Retry in ${retryAfterSeconds} s.`, {
    extensions: { code: PublicCode.RATE_LIMITED, ...httpOf(PublicCode.RATE_LIMITED, { 'retry-after': String(retryAfterSeconds) }) },
  });
}

export function requestBodyTooLarge(maxBytes: number): GraphQLError {
  return new GraphQLError(`Request body too large: at most ${maxBytes} bytes, once decoded.`, {
    extensions: { code: PublicCode.REQUEST_ENTITY_TOO_LARGE, ...httpOf(PublicCode.REQUEST_ENTITY_TOO_LARGE) },
  });
}

export function invalidContentLength(): GraphQLError {
  return new GraphQLError('Content-Length header is invalid.', { extensions: { code: PublicCode.BAD_REQUEST, ...httpOf(PublicCode.BAD_REQUEST) } });
}

export function unsupportedContentEncoding(coding: string): GraphQLError {
  return new GraphQLError(`Content-Encoding ${JSON.stringify(coding.slice(0, 40))} is not supported: send gzip, deflate, br or none (one coding).`, {
    extensions: { code: PublicCode.UNSUPPORTED_CONTENT_ENCODING, ...httpOf(PublicCode.UNSUPPORTED_CONTENT_ENCODING) },
  });
}

export function undecodableBody(): GraphQLError {
  return new GraphQLError('The request body could not be decoded with its Content-Encoding.', {
    extensions: { code: PublicCode.BAD_REQUEST, ...httpOf(PublicCode.BAD_REQUEST) },
  });
}

export function malformedParams(): GraphQLError {
  return new GraphQLError('The `variables` or `extensions` parameter is not valid JSON.', {
    extensions: { code: PublicCode.BAD_REQUEST, ...httpOf(PublicCode.BAD_REQUEST) },
  });
}

export function csrfHeaderRequired(requestHeaders: readonly string[]): GraphQLError {
  return new GraphQLError(
    `This request needs one of the headers ${requestHeaders.join(', ')} (CSRF prevention: a GET or a form post without it could come from another site).`,
    { extensions: { code: PublicCode.CSRF_HEADER_REQUIRED, ...httpOf(PublicCode.CSRF_HEADER_REQUIRED) } },
  );
}

/** Trusted documents: a `query` text was sent. */
export function trustedDocumentOnly(): GraphQLError {
  return new GraphQLError("Only trusted documents run here: send the document's hash as `documentId` or `extensions.persistedQuery.sha256Hash`, not a query.", {
    extensions: { code: PublicCode.PERSISTED_QUERY_ID_REQUIRED, ...httpOf(PublicCode.PERSISTED_QUERY_ID_REQUIRED) },
  });
}

/** Trusted documents: neither a query nor a document's hash. */
export function trustedDocumentUnnamed(): GraphQLError {
  return new GraphQLError("No document named: send the document's hash as `documentId` or `extensions.persistedQuery.sha256Hash`.", {
    extensions: { code: PublicCode.PERSISTED_QUERY_ID_REQUIRED, ...httpOf(PublicCode.PERSISTED_QUERY_ID_REQUIRED) },
  });
}

export function trustedDocumentNotInList(): GraphQLError {
  return new GraphQLError('This document is not in the list of trusted documents: it was not built with this frontend.', {
    extensions: { code: PublicCode.PERSISTED_QUERY_NOT_IN_LIST, ...httpOf(PublicCode.PERSISTED_QUERY_NOT_IN_LIST) },
  });
}

// ---------------------------------------------------------------------------------------------
// The document's shape and cost: parsing, validation, and the check before execution.

/** The graphql-armor limits, whose rejections we give our own codes. */
export type ShapeLimitCode =
  typeof PublicCode.MAX_TOKENS_LIMIT | typeof PublicCode.MAX_DEPTH_LIMIT | typeof PublicCode.MAX_ALIASES_LIMIT | typeof PublicCode.MAX_DIRECTIVES_LIMIT;

/**
 * A graphql-armor rejection with our code. Armor's messages start with "Syntax Error:", which
 * they are not; the rest ("Query depth limit of 10 exceeded, found 11.") is clear.
 */
export function shapeLimitExceeded(code: ShapeLimitCode, armorMessage: string): GraphQLError {
  // No `http`: as a validation (or parse) error, yoga answers it with 400 on its own.
  return new GraphQLError(armorMessage.replace(/^Syntax Error:\s*/, ''), { extensions: { code } });
}

export function rootFieldLimitExceeded(max: number, count: number, operation: ASTNode): GraphQLError {
  return new GraphQLError(`Root field limit of ${max} exceeded, found ${count}.`, {
    nodes: [operation],
    extensions: { code: PublicCode.MAX_ROOT_FIELDS_LIMIT },
  });
}

export function costTooHigh(maxCost: number, cost: number): GraphQLError {
  return new GraphQLError(`Query cost limit of ${maxCost} exceeded, found ${cost}: ask for fewer items (\`first\`) or fewer nested lists.`, {
    extensions: { code: PublicCode.COST_ESTIMATED_TOO_EXPENSIVE, cost, maxCost, ...httpOf(PublicCode.COST_ESTIMATED_TOO_EXPENSIVE) },
  });
}

/**
 * A list-size argument such as `first` out of range. The same words whether a resolver finds it
 * or the edge does before execution (`at`: the field, then the answer is a 400 with no data).
 */
export function listSizeOutOfRange(argument: string, max: number, got: number, at?: ASTNode): GraphQLError {
  return new GraphQLError(`\`${argument}\` must be from 0 to ${max}, got ${got}.`, {
    ...(at ? { nodes: [at] } : {}),
    extensions: at ? { code: PublicCode.BAD_USER_INPUT, argument, http: { status: 400 } } : { code: PublicCode.BAD_USER_INPUT, argument },
  });
}

// ---------------------------------------------------------------------------------------------
// Resolvers and the checkout.

export function invalidPlaceOrderInput(problems: readonly string[]): GraphQLError {
  return new GraphQLError(`Invalid placeOrder input: ${problems.join('; ')}`, { extensions: { code: PublicCode.BAD_USER_INPUT } });
}

export function idempotencyKeyReused(): GraphQLError {
  return new GraphQLError('This idempotencyKey was already used for a different order: send a new key for new items.', {
    extensions: { code: PublicCode.BAD_USER_INPUT },
  });
}

export function placeOrderUnauthenticated(): GraphQLError {
  return new GraphQLError('Authentication is required to place an order: send an Authorization: Bearer token.', {
    extensions: { code: PublicCode.UNAUTHENTICATED },
  });
}

/** `User.orders` asked by anyone but that user: FORBIDDEN with a token, UNAUTHENTICATED without. */
export function ordersOfAnotherUser(signedIn: boolean): GraphQLError {
  return new GraphQLError("Only the user themselves can see their orders: send that user's bearer token.", {
    extensions: { code: signedIn ? PublicCode.FORBIDDEN : PublicCode.UNAUTHENTICATED },
  });
}

// ---------------------------------------------------------------------------------------------
// Backend calls.

/** The codes a failed backend call carries (`BackendError.code`), each shown as it is. */
export const BACKEND_ERROR_CODES = [
  PublicCode.BACKEND_UNAVAILABLE,
  PublicCode.BACKEND_TIMEOUT,
  PublicCode.BACKEND_BAD_RESPONSE,
  PublicCode.BACKEND_CIRCUIT_OPEN,
  PublicCode.BACKEND_OVERLOADED,
  PublicCode.BACKEND_RATE_LIMITED,
  PublicCode.UNAUTHENTICATED,
  PublicCode.FORBIDDEN,
] as const;

export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

/** What a client reads for each: what kind of failure, never how the backend phrased it. */
const BACKEND_MESSAGES: Record<BackendErrorCode, (service: string) => string> = {
  BACKEND_UNAVAILABLE: (s) => `The ${s} service is unavailable.`,
  BACKEND_TIMEOUT: (s) => `The ${s} service did not answer in time.`,
  BACKEND_BAD_RESPONSE: (s) => `The ${s} service sent a response that could not be used.`,
  BACKEND_CIRCUIT_OPEN: (s) => `The ${s} service is failing; calls to it are paused for a moment.`,
  BACKEND_OVERLOADED: (s) => `The ${s} service is busy; try again shortly.`,
  BACKEND_RATE_LIMITED: (s) => `The ${s} service is receiving too many requests; try again shortly.`,
  UNAUTHENTICATED: () => 'Authentication is required: send an Authorization: Bearer token.',
  FORBIDDEN: () => 'The token does not give access to this resource.',
};

/** The message a client sees for a failed backend call. */
export function backendFailureMessage(code: BackendErrorCode, service: string): string {
  return BACKEND_MESSAGES[code](service);
}

/**
 * A failed backend call as the client sees it: the field's error keeps its `path` and
 * location, gains `extensions { code, service }`, and loses every detail (the backend's body,
 * host and our message stay in the log).
 */
export function backendFailure(located: GraphQLError, failure: { readonly code: BackendErrorCode; readonly service: string }): GraphQLError {
  return new GraphQLError(backendFailureMessage(failure.code, failure.service), {
    nodes: located.nodes,
    source: located.source,
    positions: located.positions,
    path: located.path,
    extensions: { code: failure.code, service: failure.service },
  });
}
