# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript, Tailwind CSS and browser bundles in a full image, then
# run with production dependencies only, as a non-root user. Production uses MONGODB_URI (the
# embedded database is a development convenience and is not built here).

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
RUN groupadd --system parley && useradd --system --gid parley --home /app parley
COPY --from=build --chown=parley:parley /app/package.json ./
COPY --from=build --chown=parley:parley /app/node_modules ./node_modules
COPY --from=build --chown=parley:parley /app/dist ./dist
COPY --from=build --chown=parley:parley /app/views ./views
COPY --from=build --chown=parley:parley /app/locales ./locales
COPY --from=build --chown=parley:parley /app/public ./public
# The admin CLI runs from dist/ too: `node dist/src/admin/cli.js` (or `npm run admin`, through this launcher).
COPY --from=build --chown=parley:parley /app/scripts/admin.mjs ./scripts/admin.mjs
USER parley
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
