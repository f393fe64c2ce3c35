import { useAPQ } from '@graphql-yoga/plugin-apq';
import type { Plugin } from 'graphql-yoga';
import type { PersistedQueryStore } from '../edge/persisted-query-store.js';

export interface PersistedQueriesOptions {
  /** Where documents are kept (src/edge/persisted-query-store.ts): memory, or Redis shared by every instance. */
  store: PersistedQueryStore;
}

interface Registration {
  readonly hash: string;
  readonly document: string;
}

/**
 * Automatic persisted queries, the protocol of Apollo Client's `createPersistedQueryLink` and
 * urql's `persistedExchange`, with yoga's APQ plugin:
 *  1. the client sends `extensions.persistedQuery { version: 1, sha256Hash }` and no query;
 *  2. a hash the BFF does not know answers 404 with `PERSISTED_QUERY_NOT_FOUND` (message
 *     `PersistedQueryNotFound`, which both clients look for), and the client sends it again
 *     with the query;
 *  3. the BFF checks the hash (`PERSISTED_QUERY_MISMATCH` otherwise) and runs the query;
 *     from then on the hash alone is enough, over POST or GET.
 *
 * Unlike the plugin alone, a document is registered only once it has passed every check of
 * the edge (it parsed, validated within the shape limits, and started executing): anyone may
 * register, so what can be registered is only what could run anyway, and junk never fills the
 * store.
 */
export function usePersistedQueries({ store }: PersistedQueriesOptions): Plugin {
  const registrations = new WeakMap<Request, Registration>();
  const apq = useAPQ({ store: { get: (hash) => store.get(hash), set: () => undefined } }) as Plugin;
  return {
    // Added right after this plugin, so the onParams below sees what the client sent.
    onPluginInit({ addPlugin }) {
      addPlugin(apq);
    },
    onParams({ params, request }) {
      const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
      if (typeof params.query === 'string' && typeof persisted?.sha256Hash === 'string') {
        registrations.set(request, { hash: persisted.sha256Hash, document: params.query });
      }
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const registration = request && registrations.get(request);
      if (!registration) return;
      registrations.delete(request);
      // Not awaited: the answer does not wait for the store (a failure is logged there).
      void store.set(registration.hash, registration.document);
    },
    async onDispose() {
      await store.close();
    },
  };
}
