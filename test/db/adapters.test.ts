/** Each backend is one record: the URL picks it, and what it says differs is what the open store does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendFor, isStoreUrl } from '../../src/db/adapters';
import { openDatabase } from '../../src/db/database';
import { databaseUrl } from '../../src/db/url';

test('A store URL picks its backend; --db takes a path for SQLite; anything else is refused naming what is accepted', () => {
  expect(backendFor('file:./x.db').provider).toBe('sqlite');
  expect(backendFor('postgresql://u@h:5432/d?schema=s').provider).toBe('postgresql');
  expect(backendFor('postgres://u@h/d').provider).toBe('postgresql');
  expect(() => backendFor('mysql://u@h/d')).toThrow('DATABASE_URL must be file:PATH (embedded SQLite) or postgresql://… (got mysql:…)');
  expect([isStoreUrl('file:a'), isStoreUrl('postgresql://h/d'), isStoreUrl('data/a.db')]).toEqual([true, true, false]);
  expect(databaseUrl('data/a.db')).toBe('file:data/a.db');
  expect(databaseUrl('postgresql://h/d')).toBe('postgresql://h/d');
});

test('An opened SQLite store runs in WAL mode with synchronous NORMAL, as its backend record prepares it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-adapters-'));
  const db = await openDatabase(`file:${join(dir, 'a.db')}`);
  try {
    const none = { args: [], argTypes: [] };
    const mode = await db.raw.queryRaw({ sql: 'PRAGMA journal_mode', ...none });
    const sync = await db.raw.queryRaw({ sql: 'PRAGMA synchronous', ...none });
    // synchronous: 1 is NORMAL (2 FULL, the default).
    expect([mode.rows[0][0], Number(sync.rows[0][0])]).toEqual(['wal', 1]);
    expect(db.dialect).toBe(db.backend.dialect);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
