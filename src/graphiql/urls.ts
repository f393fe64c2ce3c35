import { GRAPHIQL_VERSION } from './assets.js';

/** Where the assets are served unless told otherwise. */
export const DEFAULT_ASSETS_PATH = '/graphiql-assets';

/**
 * `assetsPath` without trailing slashes; it must be an absolute URL path, because the page
 * (served at the GraphQL endpoint, whatever its depth) and the workers resolve it from the origin.
 * Empty, `.` and `..` segments are refused: `//x` would make the page load from the host `x`,
 * and the browser would normalise the others into a path the plugin does not serve.
 */
export function normalizeAssetsPath(assetsPath: string): string {
  const normalized = assetsPath.replace(/\/+$/, '');
  const segments = normalized.split('/').slice(1);
  if (!/^\/[A-Za-z0-9._~\-/]+$/.test(normalized) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new TypeError(
      `GraphiQL assetsPath must be an absolute URL path made of plain characters, such as '/graphiql-assets'; got ${JSON.stringify(assetsPath)}`,
    );
  }
  return normalized;
}

/**
 * The URL of one asset. The package version is part of it, so the content behind a URL never
 * changes: that is what makes `immutable` caching honest across upgrades.
 */
export function assetUrl(assetsPath: string, file: string): string {
  return `${normalizeAssetsPath(assetsPath)}/${GRAPHIQL_VERSION}/${file}`;
}

/**
 * The asset file name a request path asks for, or `undefined` when the path is not under
 * `<assetsPath>/<version>/`. The name is not validated here: the caller looks it up in the
 * whitelist, which is what keeps `..`, `%2e%2e`, `%2f` and absolute paths out.
 */
export function assetFileFromPath(pathname: string, normalizedAssetsPath: string): string | undefined {
  const prefix = `${normalizedAssetsPath}/${GRAPHIQL_VERSION}/`;
  return pathname.startsWith(prefix) ? pathname.slice(prefix.length) : undefined;
}
