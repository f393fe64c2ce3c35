import { isPromise, type Plugin } from 'graphql-yoga';
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
      // Not an async function: a parse that answers at once (a GET's) stays synchronous, and a
      // body's pays for no second promise around its own.
      setRequestParser((request) => {
        let parsed: ReturnType<typeof parse>;
        try {
          parsed = parse(request);
        } catch (error) {
          return clientMistake(error);
        }
        // Any thenable: yoga's parsers may answer with whatwg-node's already-settled promises.
        return isPromise(parsed) ? parsed.then(undefined, clientMistake) : parsed;
      });
    },
  };
}

function clientMistake(error: unknown): never {
  if (!(error instanceof SyntaxError)) throw error;
  throw malformedParams();
}
