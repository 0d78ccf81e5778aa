# syntax=docker/dockerfile:1

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/check-node.mjs ./scripts/
COPY src ./src
RUN npm run build

# Production dependencies only, installed where npm is; the runtime image gets the result, not npm.
FROM node:22-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    FLIGHTIQ_DATA_DIR=/data
# FlightIQ runs `node dist/main.js` and nothing else: npm, npx and corepack would only be tools for
# whoever gets a shell in the container (installing packages, running code fetched from a registry).
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /root/.npm
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# The embedded database (used only without DATABASE_URL) lives in a volume only the app user can read:
# its server has no password, so the file system is what keeps other users out.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# /healthz answers in both modes (in Socket Mode it is the only HTTP endpoint).
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself, not npm start: SIGTERM then reaches FlightIQ, which finishes what it is doing and stops.
CMD ["node", "dist/main.js"]
