import { defaultExtractPersistedOperationId, usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { readTrustedDocuments } from '../config/trusted-documents.js';
import { trustedDocumentNotInList, trustedDocumentOnly, trustedDocumentUnnamed } from '../errors/public-errors.js';

export interface TrustedDocumentsOptions {
  /** Path of the manifest `{ "<sha256 hex of the document>": "<document>" }`. */
  manifest: string;
}

/**
 * Trusted documents: only operations listed in a manifest built with the frontend run; any
 * other query is refused before parsing. A client names the document by its sha256 hash, in
 * either form clients use:
 *  - `{ "documentId": "sha256:<hash>" }` (or the bare hash), the GraphQL-over-HTTP proposal;
 *  - `{ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hash>" } } }`, the
 *    automatic-persisted-queries form that Apollo Client and yoga's clients send.
 * Both work over GET too. The server needs `extraParamNames: ['documentId']` so yoga accepts the
 * parameter. Built on yoga's persisted-operations plugin; listed documents are still validated
 * (validation is cached), so every limit applies to them as well.
 */
export function useTrustedDocuments(options: TrustedDocumentsOptions): Plugin {
  const documents = readTrustedDocuments(options.manifest);
  return usePersistedOperations({
    allowArbitraryOperations: false,
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    extractPersistedOperationId(params, request, context) {
      const documentId = (params as GraphQLParams & { documentId?: unknown }).documentId;
      if (typeof documentId === 'string') return documentId.replace(/^sha256:/, '');
      return defaultExtractPersistedOperationId(params, request, context);
    },
    customErrors: {
      persistedQueryOnly: trustedDocumentOnly,
      keyNotFound: trustedDocumentUnnamed,
      notFound: trustedDocumentNotInList,
    },
  }) as Plugin;
}
