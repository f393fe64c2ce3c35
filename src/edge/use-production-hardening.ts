import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';

export interface ProductionHardeningOptions {
  /**
   * Answer `__schema` and `__type`. The schema is no secret to our own frontends (they are built
   * from it), but there is no reason to hand a map of it to anyone else.
   * @default false
   */
  introspection?: boolean;
  /**
   * Keep "Did you mean …" in validation errors. With introspection off, suggestions would still
   * let anyone rebuild the schema field by field, so they go with it.
   * @default false
   */
  fieldSuggestions?: boolean;
}

/**
 * What production hides about the schema, with the ecosystem's plugins: yoga's
 * disable-introspection (a validation rule, so the refusal is a 400 and cached per document)
 * and graphql-armor's field-suggestion blocking. GraphiQL is switched off by configuration.
 */
export function useProductionHardening(options: ProductionHardeningOptions = {}): Plugin {
  const { introspection = false, fieldSuggestions = false } = options;
  const off = { enabled: false };
  return {
    onPluginInit({ addPlugin }) {
      if (!introspection) addPlugin(useDisableIntrospection() as Plugin);
      if (!fieldSuggestions) {
        addPlugin(
          EnvelopArmorPlugin({
            // An empty mask drops the sentence: `Cannot query field "nam" on type "Product".`
            blockFieldSuggestion: { enabled: true, mask: '' },
            costLimit: off,
            maxAliases: off,
            maxDepth: off,
            maxDirectives: off,
            maxTokens: off,
          }) as Plugin,
        );
      }
    },
  };
}
