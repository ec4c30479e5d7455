# epaper (数字报刊平台) as a container. See docs/deploy.md.
#
#   docker build -t epaper .
#   docker run -d --name epaper -p 3000:3000 -v epaper-data:/data \
#     -e BASE_URL=https://epaper.example.cn -e DEMO_ON_EMPTY=0 epaper
#   docker exec epaper node dist/scripts/import.js /data/incoming/2026-11-20
#
# The database and the media store live in the /data volume; everything else
# in the image is read-only code. On start the server applies pending
# migrations (and, unless DEMO_ON_EMPTY=0, builds the demo on an empty database).

# --- build: compile better-sqlite3 and the TypeScript, then drop dev dependencies
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev

# --- runtime: node, the pruned node_modules and the compiled code; no compiler, no dev tools
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/epaper.db \
    MEDIA_DIR=/data/media
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY views ./views
COPY static ./static
COPY migrations ./migrations
COPY demo ./demo
# The image's "node" user (uid 1000) runs the server and owns the data volume.
RUN mkdir -p /data/media && chown -R node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1: it handles SIGTERM (docker stop) and finishes in-flight requests.
CMD ["node", "dist/src/server.js"]
