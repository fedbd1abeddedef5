/**
 * The webhook timestamp is strictly decimal digits: a signed request whose timestamp header is
 * rewritten (`T.0`, `0T`, `+T`, ...) reads as the same instant but is refused, and starts nothing.
 */
import { checkSignature, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/http/webhook-signature';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';

const SECRET = 'test-secret-9d2e';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ webhookSecret: SECRET });
  await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
}, 30_000);

afterAll(async () => {
  await server.queue.idle();
  await server.dispose();
});

async function runCount(): Promise<number> {
  const r = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
  return r.data!.runs.totalCount;
}

const now = () => Math.floor(Date.now() / 1000);

test('When a signed request comes back with its timestamp written another way, then 401 BAD_TIMESTAMP and no run starts', async () => {
  const body = JSON.stringify({ matrix: 'small', trigger: 'ci: replay' });
  const t = now();
  const signature = sign(SECRET, t, body);
  const before = await runCount();
  for (const timestamp of [`${t}.0`, `0${t}`, `+${t}`, `${t}e0`, `0x${t.toString(16)}`, `${t},${t}`]) {
    const res = await fetch(`${server.url}/webhooks/runs`, {
      method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp }, body,
    });
    expect({ timestamp, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ timestamp, status: 401, code: 'BAD_TIMESTAMP' });
  }
  expect(await runCount()).toBe(before);
  const original = await fetch(`${server.url}/webhooks/runs`, {
    method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: String(t) }, body,
  });
  expect(original.status).toBe(202);
  expect(await runCount()).toBe(before + 1);
});

test('When the timestamp carries blanks, a sign, a fraction or a leading zero, then the signature check refuses it before comparing', () => {
  const body = Buffer.from('{"matrix":"small"}');
  const t = now();
  const signature = sign(SECRET, t, body);
  expect(checkSignature(SECRET, body, signature, String(t), t)).toBeNull();
  for (const timestamp of [` ${t}`, `${t} `, `${t}.0`, `0${t}`, `+${t}`, `-${t}`, '', '0']) {
    expect(checkSignature(SECRET, body, signature, timestamp, t)).toBe(timestamp === '' ? 'MISSING_SIGNATURE' : 'BAD_TIMESTAMP');
  }
});
