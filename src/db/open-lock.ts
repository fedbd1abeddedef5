/**
 * One process at a time opens a SQLite store (start-up check, migrations, profile row). `serve`
 * and `worker` started together on a fresh store otherwise both run the schema engine: the one
 * that loses waits on SQLite's lock until Prisma's operation timeout and fails with
 * STORE_UNAVAILABLE while the other is still migrating. The later process waits here instead, and
 * then finds the migrations applied. PostgreSQL has its own advisory lock (./schema-engine).
 */
import lockfile from 'proper-lockfile';

/** Long enough for a quick_check of a large store and every migration on a loaded machine. */
const WAIT_MS = 10 * 60_000;
const POLL_MS = 250;
/** A lock whose holder died is taken over after this long (its holder refreshes it every STALE_MS / 4). */
const STALE_MS = 20_000;

export const openLockPath = (path: string) => `${path}.opening`;

/** Runs `fn` holding the store's open lock; `onWait` is told once when another process holds it. */
export async function withOpenLock<T>(path: string, onWait: (store: string) => void, fn: () => Promise<T>): Promise<T> {
  const options = { realpath: false, lockfilePath: openLockPath(path), stale: STALE_MS, update: STALE_MS / 4, onCompromised: () => undefined };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, { ...options, retries: 0 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    onWait(path);
    release = await lockfile.lock(path, { ...options, retries: { retries: Math.ceil(WAIT_MS / POLL_MS), minTimeout: POLL_MS, maxTimeout: POLL_MS, factor: 1 } });
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // taken over as stale: nothing left to release
  }
}
