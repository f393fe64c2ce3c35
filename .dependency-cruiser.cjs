/**
 * `npm run deps:check`: the directions src/ may import in (dependency-cruiser). Type-only
 * imports count: a type import is still a dependency a reader has to follow, and the cycles
 * that make src/ hard to read (see issue 12) run through them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'A cycle means no file in it can be read, tested or moved without all the others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'backends-not-observability',
      comment:
        'The transport declares the events a backend call emits; observability implements them. The other way round, ' +
        'every metric pulls in every client (the backends → observability → backends cycle).',
      severity: 'error',
      from: { path: '^src/backends/' },
      to: { path: '^src/observability/' },
    },
    {
      name: 'domain-not-graphql',
      comment:
        'Domain code (the checkout, the queue) takes plain inputs; its resolver maps the GraphQL context and the ' +
        'generated types into them, so the domain can be used and tested without GraphQL.',
      severity: 'error',
      from: { path: '^src/(checkout|queue)/' },
      to: { path: '^src/(graphql/context\\.ts|schema/[^/]+\\.generated\\.ts)$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // `./x.js` in a NodeNext import names `./x.ts` in the source.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
      // Types-only packages (@graphql-typed-document-node/core) name their entry in `typings`.
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
