/** Signed webhooks: a good signature starts a run; anything else is refused with a code and starts nothing. */
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/http/webhook-signature';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';

const SECRET = 'test-secret-3f1c';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ webhookSecret: SECRET });
  await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
});

afterAll(async () => {
  await server.queue.idle();
  await server.dispose();
});

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}/webhooks/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

function signed(body: string, timestamp = Math.floor(Date.now() / 1000)) {
  return { [SIGNATURE_HEADER]: sign(SECRET, timestamp, body), [TIMESTAMP_HEADER]: String(timestamp) };
}

async function runCount(): Promise<number> {
  const r = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
  return r.data!.runs.totalCount;
}

test('When a CI system posts a correctly signed request, then a run starts and its id comes back', async () => {
  const body = JSON.stringify({ matrix: 'small', trigger: 'ci: linux-next abc123' });
  const r = await post(body, signed(body));
  expect(r.status).toBe(202);
  expect(r.json).toMatchObject({ matrix: 'small', status: 'queued' });
  const run = await server.gql<{ run: { trigger: string } }>('query($id: ID!) { run(id: $id) { trigger } }', { id: r.json.runId });
  expect(run.data!.run.trigger).toBe('webhook: ci: linux-next abc123');
});

test('When the signature is wrong, missing or stale, then 401 with a code, and no run starts', async () => {
  const before = await runCount();
  const body = JSON.stringify({ matrix: 'small' });
  const wrong = await post(body, { ...signed(body), [SIGNATURE_HEADER]: sign('other-secret', Math.floor(Date.now() / 1000), body) });
  expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'BAD_SIGNATURE' } } });
  const missing = await post(body, {});
  expect(missing).toMatchObject({ status: 401, json: { error: { code: 'MISSING_SIGNATURE' } } });
  const stale = await post(body, signed(body, Math.floor(Date.now() / 1000) - 3600));
  expect(stale).toMatchObject({ status: 401, json: { error: { code: 'STALE_TIMESTAMP' } } });
  const tampered = await post(JSON.stringify({ matrix: 'small', trigger: 'x' }), signed(body));
  expect(tampered.json.error.code).toBe('BAD_SIGNATURE');
  expect(await runCount()).toBe(before);
});

test('When the body is oversized, not JSON, or names no known matrix, then a typed error and no run', async () => {
  const before = await runCount();
  const huge = JSON.stringify({ matrix: 'small', trigger: 'x'.repeat(300_000) });
  expect((await post(huge, signed(huge))).json.error.code).toBe('PAYLOAD_TOO_LARGE');
  const notJson = '{matrix:';
  expect((await post(notJson, signed(notJson))).json.error.code).toBe('INVALID_JSON');
  const unknown = JSON.stringify({ matrix: 'nope' });
  expect(await post(unknown, signed(unknown))).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'matrix' } } });
  const extra = JSON.stringify({ matrix: 'small', rm: '-rf' });
  expect(await post(extra, signed(extra))).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT' } } });
  expect(await runCount()).toBe(before);
});

test('When GraphQL gets an oversized body, then 413 PAYLOAD_TOO_LARGE', async () => {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ matrices { totalCount } } # ${'x'.repeat(300_000)}` }) });
  expect(res.status).toBe(413);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
});
