/**
 * Where the store lives: DATABASE_URL=file:PATH (embedded SQLite, the default
 * ./data/virtio-matrix.db) or DATABASE_URL=postgresql://user@host:port/db?schema=NAME (scale-out).
 */
import { backendFor, isStoreUrl } from './adapters';

export const DEFAULT_DATABASE_URL = 'file:./data/virtio-matrix.db';

export function databaseUrl(dbFile?: string): string {
  // --db takes a path, or a URL as DATABASE_URL does.
  if (dbFile) return isStoreUrl(dbFile) ? dbFile : `file:${dbFile}`;
  const url = process.env.DATABASE_URL;
  if (!url) return DEFAULT_DATABASE_URL;
  backendFor(url); // refuses a URL no backend serves, saying which are accepted
  return url;
}

export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '');
}
