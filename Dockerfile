# Storefront BFF + mock backends.
#
#   docker build -t storefront-bff:local .                    # default target: bff (the last stage)
#   docker build -t storefront-mocks:local --target mocks .   # the six mock backends (pick one with MOCK_SERVICE)
#
# Stages:  base ─┬─ build      (npm ci with dev deps, tsc -> dist/)
#                ├─ prod-deps  (npm ci --omit=dev -> node_modules/)
#                └─ runtime-base (tini, prod node_modules, dist/, schema/, package.json; non-root)
#                     ├─ mocks
#                     └─ bff     (default)
#
# Checked offline by test/infra/dockerfile.test.ts (pinned FROMs, stage refs, exec-form CMDs, non-root
# USER, HEALTHCHECK, COPY sources present and not .dockerignored, npm ci only, ...).

# Keep in step with the Node version the project is developed and tested on (Node 20, see engines).
ARG NODE_VERSION=20.20.2

# ---------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# ---------------------------------------------------------------------------------------------------
# Compile TypeScript. Only the manifest + lockfile go in before `npm ci`, so the dependency layer is
# reused until one of them changes. Lifecycle scripts are skipped: nothing needs them to build
# (tsc is plain JS), and a dev-only `prepare` hook must not break the image.
FROM base AS build
COPY package.json package-lock.json ./
# Local packages that package.json's overrides point at (see stubs/msgpackr-extract).
COPY stubs ./stubs
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY mocks ./mocks
RUN npm run build

# ---------------------------------------------------------------------------------------------------
# Production dependencies only (graphql-yoga, @graphql-yoga/graphiql assets, pino, undici, ...).
# A stage of its own so this layer is cached independently of source changes.
FROM base AS prod-deps
COPY package.json package-lock.json ./
COPY stubs ./stubs
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
# Everything both runtime images share. Files stay owned by root (read-only for the `node` user).
FROM base AS runtime-base
# tini as PID 1 forwards signals to node and reaps zombies. Node as PID 1 gets no default signal
# actions: code without its own SIGTERM handler would ignore `docker stop` until SIGKILL. (The BFF
# and the mocks do handle SIGTERM; with tini, nothing depends on that.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0
COPY --from=prod-deps /app/node_modules ./node_modules
# node_modules links to the local packages in stubs/: they must be there at run time too.
COPY --from=prod-deps /app/stubs ./stubs
COPY package.json ./
# the SDL, schema/<domain>/<domain>.graphql, for code that reads it at runtime
COPY schema ./schema
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
STOPSIGNAL SIGTERM

# ---------------------------------------------------------------------------------------------------
# Mock backends: one image. MOCK_SERVICE=<users|catalog|reviews|inventory|orders|notifications> (+ PORT)
# runs one of them (compose runs six containers so); unset, it runs all six on 4001..4006. The health
# check probes PORT, else the service's default port, else users (4001) for "all".
FROM runtime-base AS mocks
EXPOSE 4001 4002 4003 4004 4005 4006
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const p=process.env.PORT||{users:4001,catalog:4002,reviews:4003,inventory:4004,orders:4005,notifications:4006}[process.env.MOCK_SERVICE]||4001;fetch('http://127.0.0.1:'+p+'/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/mocks/main.js"]

# ---------------------------------------------------------------------------------------------------
# The BFF. Last stage = default target of `docker build`.
FROM runtime-base AS bff
# A worker per CPU the container may use (its CPU quota included): see README "Every core".
ENV PORT=4000 \
    WORKERS=auto
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node flags (the workers inherit them; `npm run start:bff` and the benchmark use the same, read
# from here; README "Memory"):
# - --max-old-space-size: with no limit, V8 sizes the heap from the host's memory and lets the old
#   generation grow to ~4x the live objects before a full GC (a ~45 MB live set at 250-280 MB RSS);
#   a set limit makes it grow ~2x (~200 MB RSS per worker under the benchmark's load). 1 GB is far
#   above that live set: it bounds a worker, it does not squeeze it.
# - --max-semi-space-size=24 (16 by default): a larger young generation lets a request's objects
#   die young instead of being promoted, which gives back the CPU that twice the scavenges cost
#   (16: +9 % CPU per query, +19-30 % on the deep query). 24 rather than 32: the same CPU within
#   the noise (median 98 %), and 16 MB less young generation per worker, which keeps the deep
#   query with tracing on at or under 250 MB per worker (README "Memory").
# - no --enable-source-maps: it makes every read of an error's stack map each frame (Node's docs
#   warn of it), and the BFF reads one for every failed backend call it logs: a cost that grows
#   with the error rate. The .js.map files still ship, for mapping a stack by hand, and
#   NODE_OPTIONS=--enable-source-maps turns it back on while debugging.
CMD ["node", "--max-old-space-size=1024", "--max-semi-space-size=24", "dist/src/main.js"]
