/**
 * Test databases on both backends: a temporary SQLite file, and a schema of its own in the
 * PostgreSQL server this machine kind runs (TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test),
 * dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export type Backend = 'sqlite' | 'postgresql';
export const BACKENDS: Backend[] = ['sqlite', 'postgresql'];
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** A node-postgres client on the test server, outside any test schema. */
export const pgClient = () => new Client({ connectionString: TEST_PG_URL });

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function testDatabase(backend: Backend, label: string): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `virtio-matrix-${label}-`));
    return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `vm_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  return {
    url: `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    async drop() {
      const client = pgClient();
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
