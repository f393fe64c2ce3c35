import type { Plugin, YogaLogger } from 'graphql-yoga';
import { negotiateEncoding } from '../graphiql/accept-encoding.js';
import { getAsset } from '../graphiql/assets.js';
import type { Asset } from '../graphiql/assets.js';
import { assetFileFromPath, DEFAULT_ASSETS_PATH, normalizeAssetsPath } from '../graphiql/urls.js';

export { renderOfflineGraphiQL } from '../graphiql/page.js';

export interface OfflineGraphiQLOptions {
  /**
   * URL path under which the GraphiQL assets are served, as `<assetsPath>/<version>/<file>`.
   * The page must point at the same place: when you change it, render with
   * `renderGraphiQL: opts => renderOfflineGraphiQL(opts, assetsPath)`.
   * @default '/graphiql-assets'
   */
  assetsPath?: string;
}

// The URLs carry the package version, so their content never changes: a year and `immutable`
// spare the browser even the revalidation request on reload.
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Serves the files of `@graphql-yoga/graphiql/dist` (script, stylesheet, Monaco's workers) from
 * this server, so that the page of `renderOfflineGraphiQL` works with no internet access:
 *
 * ```ts
 * createYoga({ schema, plugins: [useOfflineGraphiQL()], renderGraphiQL: renderOfflineGraphiQL })
 * ```
 *
 * Files are compressed once, on first request, and kept in memory (~13 MB for all of them).
 */
export function useOfflineGraphiQL(options: OfflineGraphiQLOptions = {}): Plugin {
  const assetsPath = normalizeAssetsPath(options.assetsPath ?? DEFAULT_ASSETS_PATH);
  let logger: YogaLogger | Console = console;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== assetsPath && !url.pathname.startsWith(`${assetsPath}/`)) return;
      const file = assetFileFromPath(url.pathname, assetsPath);
      const asset = file === undefined ? undefined : getAsset(file);
      // Everything under assetsPath is ours: an unknown name (another version, `..`, `%2f`, an
      // absolute path, a file outside the whitelist) is a 404 here, never passed on to yoga.
      if (!asset) {
        endResponse(new fetchAPI.Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } }));
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      // onRequest errors are not caught by the server adapter: a failure must become a response.
      return asset
        .then((loaded) => respond(loaded, request, fetchAPI.Response))
        .catch((error: unknown) => {
          logger.error(`GraphiQL asset ${JSON.stringify(file)} could not be served`, error);
          return new fetchAPI.Response('Internal Server Error', { status: 500 });
        })
        .then(endResponse);
    },
  };
}

async function respond(asset: Asset, request: Request, ResponseClass: typeof Response): Promise<Response> {
  const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
  const etag = asset.etag(encoding);
  const headers: Record<string, string> = {
    'cache-control': CACHE_CONTROL,
    etag,
    // The body depends on Accept-Encoding: shared caches must key on it.
    vary: 'accept-encoding',
  };
  if (matchesEtag(request.headers.get('if-none-match'), etag)) {
    return new ResponseClass(null, { status: 304, headers });
  }
  const body = await asset.body(encoding);
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-type'] = asset.contentType;
  headers['content-length'] = String(body.byteLength);
  headers['x-content-type-options'] = 'nosniff';
  return new ResponseClass(request.method === 'HEAD' ? null : body, { status: 200, headers });
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a `W/` prefix does not matter. */
function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
