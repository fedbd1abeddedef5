/** Where the embedded database lives: DATABASE_URL=file:PATH, or ./data/virtio-matrix.db. */
export const DEFAULT_DATABASE_URL = 'file:./data/virtio-matrix.db';

export function databaseUrl(dbFile?: string): string {
  if (dbFile) return `file:${dbFile}`;
  const url = process.env.DATABASE_URL;
  if (!url) return DEFAULT_DATABASE_URL;
  if (!url.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be file:PATH for the embedded SQLite store (got ${url.split(':')[0]}:…)`);
  }
  return url;
}

export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '');
}
