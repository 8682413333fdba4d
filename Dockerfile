# syntax=docker/dockerfile:1
# One image for the worker and the API (same code, different command; docker-compose.yml):
#   build     all dependencies from the lockfile, `npm run build` → dist/ (compiled code,
#             migrations, the prebuilt workflow bundle)
#   prod-deps production dependencies only, from the lockfile
#   runtime   dist/ + production dependencies, non-root, no tests, no development tokens
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY activities ./activities
COPY api ./api
COPY codec ./codec
COPY config ./config
COPY db ./db
COPY domain ./domain
COPY scripts ./scripts
COPY web ./web
COPY worker ./worker
COPY workflows ./workflows
RUN npm run build \
 && test -f dist/workflow-bundle.js \
 && test ! -e dist/config/dev-tokens.json

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKER_METRICS_PORT=9464 \
    API_METRICS_PORT=9465
WORKDIR /app
# owned by root, run as `node` (uid 1000): the process cannot change its own code
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER node
# API, worker metrics (Temporal SDK), API metrics
EXPOSE 3000 9464 9465
# the API's liveness; docker-compose.yml gives the worker its own check (its metrics endpoint)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/api/main.js"]
