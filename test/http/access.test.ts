/**
 * Who may do what over HTTP: writes (mutations, PUT /api/artifacts) need a run or admin token,
 * reads are open unless READS_REQUIRE_TOKEN, a token that names nothing is refused everywhere,
 * and webhooks need no token.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/http/webhook-signature';
import { accessPolicy } from '../../src/auth/policy';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';

const CREATE = 'mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }';
const SECRET = 'access-test-secret';

describe('reads open (the default)', () => {
  let server: TestServer;
  let reader: string;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ webhookSecret: SECRET });
    reader = await server.createToken('reader', 'read');
    admin = await server.createToken('admin', 'admin');
    await server.gql(CREATE, { input: SMALL_MATRIX });
  });
  afterAll(async () => {
    await server.queue.idle();
    await server.dispose();
  });

  const runCount = async () => (await server.gqlAs<{ runs: { totalCount: number } }>(null, '{ runs { totalCount } }')).data!.runs.totalCount;
  const put = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/artifacts?arch=s390x&linux=6.1.192`, { method: 'PUT', body: randomBytes(256), headers });

  test('When anyone reads without a token, then queries and GET /api/* answer', async () => {
    const r = await server.gqlAs<{ matrices: { totalCount: number } }>(null, '{ matrices { totalCount } }');
    expect(r).toMatchObject({ status: 200, data: { matrices: { totalCount: 1 } } });
    expect((await fetch(`${server.url}/api/artifacts`)).status).toBe(200);
  });

  test('When startRun or cancelRun come without a token, with a read token, or with a bad header, then 401/403 and no run starts or stops', async () => {
    const before = await runCount();
    for (const [as, status, code] of [[null, 401, 'UNAUTHENTICATED'], [reader, 403, 'FORBIDDEN'], ['vmx_not-a-real-token', 401, 'UNAUTHENTICATED']] as const) {
      const r = await server.gqlAs(as, 'mutation { startRun(matrix: "small") { id } }');
      expect([as, r.status, r.errors?.[0].extensions?.code, r.data ?? null]).toEqual([as, status, code, null]);
    }
    expect(await runCount()).toBe(before);

    const started = await server.gqlAs<{ startRun: { id: string } }>(admin, 'mutation { startRun(matrix: "small") { id } }');
    expect(started.status).toBe(200);
    const id = started.data!.startRun.id;
    const cancel = await server.gqlAs(reader, 'mutation($id: ID!) { cancelRun(id: $id) { status } }', { id });
    expect([cancel.status, cancel.errors?.[0].extensions?.code]).toEqual([403, 'FORBIDDEN']);
    const basic = await fetch(`${server.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      body: JSON.stringify({ query: 'mutation { startRun(matrix: "small") { id } }' }),
    });
    expect([basic.status, ((await basic.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(await runCount()).toBe(before + 1);
  });

  test('When a kernel is uploaded without a run token, then 401/403 as JSON and nothing is stored; with one, 201', async () => {
    const anonymous = await put({});
    expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const readOnly = await put({ authorization: `Bearer ${reader}` });
    expect([readOnly.status, ((await readOnly.json()) as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
    expect(readdirSync(server.artifactDir)).toEqual([]);
    expect((await (await fetch(`${server.url}/api/artifacts`)).json())).toEqual([]);
    expect((await put(server.auth)).status).toBe(201);
  });

  test('When a token that names nothing is sent with a read, then 401, so a revoked CI token is noticed at once', async () => {
    const r = await server.gqlAs('vmx_revoked-long-ago', '{ matrices { totalCount } }');
    expect([r.status, r.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const get = await fetch(`${server.url}/api/artifacts`, { headers: { authorization: 'Bearer vmx_revoked-long-ago' } });
    expect(get.status).toBe(401);
  });

  test('When a signed webhook arrives without a token, then it starts a run: webhooks keep their own secret', async () => {
    const before = await runCount();
    const body = JSON.stringify({ matrix: 'small', trigger: 'ci: no token' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${server.url}/webhooks/runs`, {
      method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(SECRET, ts, body), [TIMESTAMP_HEADER]: String(ts) }, body,
    });
    expect(res.status).toBe(202);
    expect(await runCount()).toBe(before + 1);
  });
});

describe('reads closed (READS_REQUIRE_TOKEN=1)', () => {
  let server: TestServer;
  let reader: string;

  beforeAll(async () => {
    server = await startTestServer({ readsRequireToken: true });
    reader = await server.createToken('reader', 'read');
  });
  afterAll(async () => {
    await server.dispose();
  });

  test('When a query or GET /api/* comes without a token, then 401; with a read token it answers; the page and /healthz stay open', async () => {
    const anonymous = await server.gqlAs(null, '{ matrices { totalCount } }');
    expect([anonymous.status, anonymous.errors?.[0].extensions?.code, anonymous.data]).toEqual([401, 'UNAUTHENTICATED', null]);
    const get = await fetch(`${server.url}/api/runs/1`);
    expect([get.status, ((await get.json()) as { error: { code: string } }).error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await fetch(`${server.url}/api/artifacts`)).status).toBe(401);

    expect(await server.gqlAs(reader, '{ matrices { totalCount } }')).toMatchObject({ status: 200, data: { matrices: { totalCount: 0 } } });
    expect((await fetch(`${server.url}/api/runs/1`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(404);
    expect((await fetch(`${server.url}/api/artifacts`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test('When gate is given a read token, then it reads the run and judges it; without one it exits 2 UNAUTHORIZED', async () => {
    await server.gql(CREATE, { input: { ...SMALL_MATRIX, name: 'gated' } });
    const run = (await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "gated") { id } }')).data!.startRun.id;
    await server.queue.idle();
    const bin = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
    const gate = (args: string[]) => new Promise<{ status: number | null; summary: { result: string; error?: { code: string } } }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'gate', '--server', server.url, '--run', run, ...args]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (status) => resolve({ status, summary: JSON.parse(out.trim().split('\n').pop()!) }));
    });
    const judged = await gate(['--token', reader]);
    expect([judged.status, judged.summary.result]).toEqual([1, 'fail']); // SMALL_MATRIX has BROKEN cells
    const refused = await gate([]);
    expect([refused.status, refused.summary.error?.code]).toEqual([2, 'UNAUTHORIZED']);
  }, 30_000);

  test('When a read token sends a mutation, then it is still FORBIDDEN', async () => {
    const r = await server.gqlAs(reader, CREATE, { input: SMALL_MATRIX });
    expect([r.status, r.errors?.[0].extensions?.code]).toEqual([403, 'FORBIDDEN']);
  });
});

test('READS_REQUIRE_TOKEN closes reads only when set to a true value', () => {
  expect(accessPolicy({})).toEqual({ reads: null, writes: 'run' });
  expect(accessPolicy({ READS_REQUIRE_TOKEN: '0' }).reads).toBeNull();
  expect(accessPolicy({ READS_REQUIRE_TOKEN: '1' }).reads).toBe('read');
  expect(accessPolicy({ READS_REQUIRE_TOKEN: 'true' }).reads).toBe('read');
});
