import type { GraphiQLOptions } from 'graphql-yoga';
import { SCRIPT_FILE, STYLESHEET_FILE, WORKER_FILES } from './assets.js';
import { assetUrl, DEFAULT_ASSETS_PATH } from './urls.js';

/**
 * The GraphiQL page for yoga's `renderGraphiQL` option: the same page yoga renders by default,
 * with every script, stylesheet and worker loaded from this server under `assetsPath` (served by
 * `useOfflineGraphiQL`), so it works without internet. About 1 KB plus the options.
 *
 * Yoga calls it with one argument; pass `assetsPath` only when the plugin was given another one:
 * `renderGraphiQL: opts => renderOfflineGraphiQL(opts, '/my-assets')`.
 */
export function renderOfflineGraphiQL(opts: GraphiQLOptions = {}, assetsPath: string = DEFAULT_ASSETS_PATH): string {
  const title = escapeHtml(opts.title || 'Yoga GraphiQL');
  // Without an icon the browser asks for /favicon.ico; `data:,` is an empty one that costs no request.
  const favicon = escapeHtml(opts.favicon || 'data:,');
  const workers = Object.fromEntries(Object.entries(WORKER_FILES).map(([label, file]) => [label, assetUrl(assetsPath, file)]));
  // Monaco starts each worker as `new Worker(getWorkerUrl(moduleId, label), { type: 'module' })`.
  // Yoga's own page fetches the workers from the CDN and wraps them in blob: URLs, because a
  // worker script must be same-origin; ours are same-origin already, so the plain URLs work, the
  // browser caches them, and the first render does not wait for 2.7 MB of workers.
  // Unknown labels get the generic editor worker, as vite-plugin-monaco-editor does.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="${favicon}">
<link rel="stylesheet" href="${escapeHtml(assetUrl(assetsPath, STYLESHEET_FILE))}">
</head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run GraphiQL.</noscript>
<div id="root">Loading ${title}...</div>
<script>
(function (workerUrls) {
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return workerUrls[label] || workerUrls.editorWorkerService; }
  };
})(${toScriptLiteral(workers)});
</script>
<script src="${escapeHtml(assetUrl(assetsPath, SCRIPT_FILE))}"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${toScriptLiteral(opts)});</script>
</body>
</html>
`;
}

/** Text or attribute value safe to put between tags or in a double-quoted attribute. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A JSON value written as a JavaScript literal inside <script>. JSON is valid JavaScript; the one
 * danger is the HTML parser ending the script early on `</script>` or `<!--` inside a string,
 * so every `<` is written as `\u003c`, which reads back as the same string. U+2028 and U+2029
 * are escaped too: older engines reject them raw in string literals.
 */
function toScriptLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
