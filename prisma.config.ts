import { defineConfig } from 'prisma/config';

// DATABASE_URL unset → the embedded SQLite file ./data/virtio-matrix.db.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'file:./data/virtio-matrix.db' },
});
