/**
 * Where the store lives: DATABASE_URL=file:PATH (embedded SQLite, the default
 * ./data/virtio-matrix.db) or DATABASE_URL=postgresql://user@host:port/db?schema=NAME (scale-out).
 */
export const DEFAULT_DATABASE_URL = 'file:./data/virtio-matrix.db';

export function databaseUrl(dbFile?: string): string {
  // --db takes a path, or a URL as DATABASE_URL does.
  if (dbFile) return /^(file:|postgres(ql)?:\/\/)/.test(dbFile) ? dbFile : `file:${dbFile}`;
  const url = process.env.DATABASE_URL;
  if (!url) return DEFAULT_DATABASE_URL;
  if (!url.startsWith('file:') && !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must be file:PATH (embedded SQLite) or postgresql://… (got ${url.split(':')[0]}:…)`);
  }
  return url;
}

export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '');
}
