import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from './context.js';

/**
 * Development aid: adds `extensions.fetchPlan` to each result, listing the backend calls the
 * request made (batched ids, deduped, cached, retried, timing). Off in production: it shows
 * the shape of the backends, which is nobody else's business.
 */
export function useFetchPlan(): Plugin<RequestContext> {
  return {
    onExecute({ args }) {
      const plan = (args.contextValue as RequestContext).plan;
      if (!plan) return;
      return {
        onExecuteDone({ result, setResult }) {
          if ('errors' in result || 'data' in result) {
            setResult({ ...result, extensions: { ...result.extensions, fetchPlan: plan.entries } });
          }
        },
      };
    },
  };
}
