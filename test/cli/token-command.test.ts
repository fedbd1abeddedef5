/**
 * `virtio-matrix token create/list/revoke` as real processes, beside a running server on the same
 * store (SQLite and PostgreSQL): what they print, what the table holds, and what the server then
 * lets each token do.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { BACKENDS, pgClient, type Backend } from '../support/databases';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const CREATE = 'mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }';

// Each command is a process of its own that opens the store: a second or two on a loaded machine.
jest.setTimeout(60_000);

interface Cli { status: number | null; stdout: string; stderr: string }

/** Async, so the server in this process keeps answering while the command runs. */
function cli(args: string[], db: string): Promise<Cli> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'token', ...args, '--db', db], { env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trim().split('\n').pop()!;

async function tokenRows(backend: Backend, url: string): Promise<Record<string, unknown>[]> {
  if (backend === 'sqlite') {
    const db = new Sqlite(url.replace(/^file:/, ''), { readonly: true });
    try {
      return db.prepare('SELECT * FROM "Token" ORDER BY id').all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = pgClient();
  await client.connect();
  try {
    const schema = new URL(url).searchParams.get('schema')!;
    return (await client.query(`SELECT * FROM "${schema}"."Token" ORDER BY id`)).rows;
  } finally {
    await client.end();
  }
}

describe.each(BACKENDS)('on %s', (backend) => {
  let server: TestServer;
  let db: string;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    db = server.db.url;
  });
  afterAll(async () => {
    await server.queue.idle();
    await server.dispose();
  });

  const matrixCount = async () => (await server.gqlAs<{ matrices: { totalCount: number } }>(null, '{ matrices { totalCount } }')).data!.matrices.totalCount;

  test('When tokens are created, used and revoked through the CLI beside a running server, then each is let through or refused as its scope says, and none is stored in clear', async () => {
    const created = await cli(['create', '--name', 'ci', '--scope', 'run'], db);
    expect(created.status).toBe(0);
    const ci = lastLine(created.stdout);
    expect(ci).toMatch(/^vmx_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown once');
    const reader = lastLine((await cli(['create', '--name', 'dashboard', '--scope', 'read'], db)).stdout);

    // Only the sha256 of each token is in the table; neither secret appears in any column.
    const rows = await tokenRows(backend, server.db.url);
    const ciRow = rows.find((r) => r.name === 'ci')!;
    expect(ciRow).toMatchObject({ scope: 'run', hash: createHash('sha256').update(ci).digest('hex') });
    expect(JSON.stringify(rows)).not.toContain(ci.slice(4));
    expect(JSON.stringify(rows)).not.toContain(reader.slice(4));

    const before = await matrixCount();
    const anonymous = await server.gqlAs(null, CREATE, { input: { ...SMALL_MATRIX, name: 'anonymous' } });
    expect([anonymous.status, anonymous.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const readOnly = await server.gqlAs(reader, CREATE, { input: { ...SMALL_MATRIX, name: 'read-only' } });
    expect([readOnly.status, readOnly.errors?.[0].extensions?.code]).toEqual([403, 'FORBIDDEN']);
    expect(await matrixCount()).toBe(before);

    const allowed = await server.gqlAs(ci, CREATE, { input: { ...SMALL_MATRIX, name: `by-ci-${backend}` } });
    expect(allowed).toMatchObject({ status: 200, data: { createMatrix: { name: `by-ci-${backend}` } } });
    expect(await matrixCount()).toBe(before + 1);

    // lastUsedAt is written in the background, right after the request.
    let listed: { id: string; name: string; scope: string; createdAt: string; lastUsedAt: string | null }[] = [];
    for (let i = 0; i < 50; i++) {
      const list = await cli(['list'], db);
      expect(list.status).toBe(0);
      expect(list.stdout).not.toContain(ci);
      expect(list.stdout).not.toContain(String(ciRow.hash));
      listed = JSON.parse(list.stdout);
      if (listed.find((t) => t.name === 'ci')?.lastUsedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed.map(({ name, scope }) => ({ name, scope }))).toEqual(expect.arrayContaining([{ name: 'ci', scope: 'run' }, { name: 'dashboard', scope: 'read' }]));
    const ciListed = listed.find((t) => t.name === 'ci')!;
    expect(Object.keys(ciListed).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'scope']);
    expect(Date.parse(ciListed.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(ciListed.createdAt));

    const revoked = await cli(['revoke', 'ci'], db);
    expect(revoked.status).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ revoked: { name: 'ci', scope: 'run' } });
    const afterRevoke = await server.gqlAs(ci, CREATE, { input: { ...SMALL_MATRIX, name: 'after-revoke' } });
    expect([afterRevoke.status, afterRevoke.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(afterRevoke.errors?.[0].message).toContain('unknown or was revoked');
    expect(await matrixCount()).toBe(before + 1);

    // By id as `token list` shows it.
    const dashboardId = listed.find((t) => t.name === 'dashboard')!.id;
    expect((await cli(['revoke', dashboardId], db)).status).toBe(0);
    const left = (await tokenRows(backend, server.db.url)).map((r) => r.name);
    expect(left).not.toContain('ci');
    expect(left).not.toContain('dashboard');
  });

  test('When a name is taken, a scope unknown or a token missing, then exit 2 with a JSON error and nothing changes', async () => {
    expect((await cli(['create', '--name', 'twice', '--scope', 'admin'], db)).status).toBe(0);
    const rowsBefore = await tokenRows(backend, server.db.url);
    const again = await cli(['create', '--name', 'twice', '--scope', 'run'], db);
    expect([again.status, JSON.parse(lastLine(again.stderr)).error]).toMatchObject([2, { code: 'CONFLICT', field: 'name' }]);
    expect(again.stdout).toBe('');
    const root = await cli(['create', '--name', 'root', '--scope', 'root'], db);
    expect([root.status, JSON.parse(lastLine(root.stderr)).error]).toMatchObject([2, { code: 'BAD_USER_INPUT', field: 'scope' }]);
    const spaced = await cli(['create', '--name', 'has space', '--scope', 'read'], db);
    expect([spaced.status, JSON.parse(lastLine(spaced.stderr)).error]).toMatchObject([2, { code: 'BAD_USER_INPUT', field: 'name' }]);
    const missing = await cli(['revoke', 'nobody'], db);
    expect([missing.status, JSON.parse(lastLine(missing.stderr)).error]).toMatchObject([2, { code: 'NOT_FOUND' }]);
    expect(await tokenRows(backend, server.db.url)).toEqual(rowsBefore);
  });
});
