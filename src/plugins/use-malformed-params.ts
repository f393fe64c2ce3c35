import type { Plugin } from 'graphql-yoga';
import { malformedParams } from '../errors/public-errors.js';

/**
 * A GET (or form post) whose `variables` or `extensions` parameter is not JSON is the client's
 * mistake, but yoga's parameter parser lets `JSON.parse`'s SyntaxError escape, which the error
 * mask then reports as a 500 "Unexpected error." (and the log as a bug). Wrapping whichever
 * request parser yoga picked turns exactly that case into a 400 that says what is wrong.
 */
export function useMalformedParams(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser(async (request) => {
        try {
          return await parse(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw malformedParams();
        }
      });
    },
  };
}
