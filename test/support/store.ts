/** An opened store on a fresh test database for each test of the calling describe block, closed and dropped after it. */
import { openDatabase, type Database } from '../../src/db/database';
import { testDatabase, type Backend, type TestDatabase } from './databases';

export function freshStorePerTest(backend: Backend, label: string): { readonly db: Database } {
  let handle: TestDatabase | undefined;
  const current = {} as { db: Database };
  beforeEach(async () => {
    handle = await testDatabase(backend, label);
    current.db = await openDatabase(handle.url);
  });
  afterEach(async () => {
    // A beforeEach that failed leaves nothing (or only the database) to clean up.
    await current.db?.close();
    await handle?.drop();
    handle = undefined;
    (current as Partial<typeof current>).db = undefined;
  });
  return current;
}
