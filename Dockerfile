# virtio-matrix image: Node 20. `serve` (default; embedded SQLite on a volume at /data unless
# DATABASE_URL is postgresql://…) or `worker` (scale-out, with REDIS_URL); see docker-compose.yml.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY bin ./bin
RUN npm install --no-audit --no-fund
ENV DATABASE_URL=file:/data/virtio-matrix.db PORT=4000 HOST=0.0.0.0
VOLUME /data
EXPOSE 4000
CMD ["node", "bin/virtio-matrix.js", "serve"]
