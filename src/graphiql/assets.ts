import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * The built GraphiQL that `@graphql-yoga/graphiql` ships in its `dist/` folder, read from
 * node_modules and kept in memory with its gzip and brotli forms, each made once, on first use.
 */

const require = createRequire(import.meta.url);
// `package.json` is in the package's `exports`, so resolving it finds the package folder
// wherever npm put it (hoisted, nested, workspaces), without guessing a node_modules path.
const packageJsonPath = require.resolve('@graphql-yoga/graphiql/package.json');
const distDir = path.join(path.dirname(packageJsonPath), 'dist');

/** The installed `@graphql-yoga/graphiql` version; part of every asset URL, so a URL never changes content. */
export const GRAPHIQL_VERSION: string = (require(packageJsonPath) as { version: string }).version;

const JS = 'text/javascript; charset=utf-8';

/** The bundle that defines the `YogaGraphiQL` global (`YogaGraphiQL.renderYogaGraphiQL(root, options)`). */
export const SCRIPT_FILE = 'yoga-graphiql.umd.js';
export const STYLESHEET_FILE = 'graphiql.css';

/**
 * Monaco starts its web workers through `MonacoEnvironment.getWorkerUrl(moduleId, label)`, and the
 * bundle does not define that function: the page must. These are the labels the bundle asks for,
 * and the files vite-plugin-monaco-editor built for them.
 */
export const WORKER_FILES = {
  editorWorkerService: 'monacoeditorwork/editor.worker.bundle.js',
  json: 'monacoeditorwork/json.worker.bundle.js',
  // The double dot is the real file name, as the package's build emits it.
  graphql: 'monacoeditorwork/graphql.worker..bundle.js',
} as const;

/**
 * The only files served, with their content types. A Map and not an object, so that a request for
 * `constructor` or `__proto__` cannot find anything; and a lookup by exact name, so that no path
 * sent by a client ever reaches the file system (no `..`, no absolute path, no symlink).
 * The ES bundle is left out: the page loads the smaller, minified UMD one.
 */
export const ASSET_TYPES: ReadonlyMap<string, string> = new Map([
  [SCRIPT_FILE, JS],
  [STYLESHEET_FILE, 'text/css; charset=utf-8'],
  ...Object.values(WORKER_FILES).map((file) => [file, JS] as const),
]);

export type Encoding = 'br' | 'gzip' | 'identity';

/** One served file; each encoding of it is a separate representation with its own bytes and ETag. */
export interface Asset {
  contentType: string;
  /** Strong ETag of the bytes in `encoding`; known without compressing, so a 304 costs nothing. */
  etag(encoding: Encoding): string;
  /** The bytes in `encoding`, compressed on the first call and kept in memory. */
  body(encoding: Encoding): Promise<Uint8Array<ArrayBuffer>>;
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

// Async zlib runs in libuv's thread pool: compressing the 5 MB bundle does not block the event loop.
const compressors = {
  gzip: (bytes: Uint8Array<ArrayBuffer>) => gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }),
  // Quality 9, not 11: 11 takes ~10 s of CPU on the 5 MB bundle for a file only ~9% smaller,
  // and the first visitor of GraphiQL would wait for it.
  br: (bytes: Uint8Array<ArrayBuffer>) =>
    brotli(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    }),
};

// Promises, not values: concurrent first requests share one read and one compression.
const loaded = new Map<string, Promise<Asset>>();

/**
 * The served asset named `file` (relative to `dist/`, as in the URL), or `undefined` when `file`
 * is not one of them. The file is read once per process, on first use.
 */
export function getAsset(file: string): Promise<Asset> | undefined {
  const contentType = ASSET_TYPES.get(file);
  if (contentType === undefined) return undefined;
  let asset = loaded.get(file);
  if (!asset) {
    asset = readFile(path.join(distDir, file)).then((bytes) => createAsset(contentType, bytes));
    loaded.set(file, asset);
    // A failed read is not cached: the next request tries again.
    asset.catch(() => loaded.delete(file));
  }
  return asset;
}

function createAsset(contentType: string, identity: Uint8Array<ArrayBuffer>): Asset {
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
  const compressed = new Map<Exclude<Encoding, 'identity'>, Promise<Uint8Array<ArrayBuffer>>>();
  return {
    contentType,
    // Strong ETags must differ between byte-different representations (RFC 9110 §8.8.1).
    etag: (encoding) => (encoding === 'identity' ? `"${hash}"` : `"${hash}-${encoding}"`),
    body(encoding) {
      if (encoding === 'identity') return Promise.resolve(identity);
      let body = compressed.get(encoding);
      if (!body) {
        body = compressors[encoding](identity);
        compressed.set(encoding, body);
        body.catch(() => compressed.delete(encoding));
      }
      return body;
    },
  };
}
