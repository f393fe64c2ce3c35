import type { TypedDocumentString } from './gql/graphql.js';

/**
 * The smallest typed client for the BFF: `execute(ProductPageQuery, { id })` is checked
 * against the operation's variables and returns its typed `data`. It needs nothing but
 * `fetch`, so any framework can wrap it (or hand the same typed documents to urql or Apollo).
 */
export interface ClientOptions {
  /** The BFF's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /**
   * Send each operation's hash alone, never its text: what a BFF with `TRUSTED_DOCUMENTS`
   * runs (and the only thing it runs). Off, the text is sent, for a BFF without a manifest.
   * @default true
   */
  persisted?: boolean;
  /** Returns the signed-in customer's token, sent as `Authorization: Bearer <token>`. */
  token?: () => string | undefined;
  /** @default globalThis.fetch */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** A GraphQL answer: `data` next to an error per field that failed (see the BFF's README). */
export interface ExecutionResult<TData> {
  data?: TData | null;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: { code?: string; service?: string } }>;
}

export type Execute = <TData, TVariables>(
  document: TypedDocumentString<TData, TVariables>,
  // No variables: none to pass; all optional: may be left out; else required. Typed by the
  // document alone (NoInfer), so a wrong variable is an error, not a widened type.
  ...[variables]: NoInfer<TVariables extends Record<string, never> ? [] : Partial<TVariables> extends TVariables ? [TVariables?] : [TVariables]>
) => Promise<ExecutionResult<TData>>;

export function createClient(options: ClientOptions): Execute {
  const { url, persisted = true, token, fetch: send = globalThis.fetch } = options;
  return async (document, ...[variables]) => {
    const hash: unknown = document.__meta__?.hash;
    if (persisted && typeof hash !== 'string') throw new Error('this document has no hash: was it generated with persistedDocuments on (npm run codegen:web)?');
    const body = persisted ? { documentId: `sha256:${hash}`, variables } : { query: document.toString(), variables };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    const bearer = token?.();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const response = await send(url, { method: 'POST', headers, body: JSON.stringify(body) });
    // A GraphQL answer is JSON whatever its status (a refused document is a 400 with errors[]);
    // anything else (a proxy's HTML error page, say) is a transport failure, not a result.
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) throw new Error(`${url} answered ${response.status} with ${type || 'no content type'}, not a GraphQL result`);
    return (await response.json()) as ExecutionResult<never>;
  };
}
