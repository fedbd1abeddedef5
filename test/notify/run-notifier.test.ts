/**
 * Signed notifications when a run ends: a real receiver on a local port, the real server, and
 * the signature checked with the Standard Webhooks library, as a receiver would.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { notifyFromEnv } from '../../src/notify/run-notifier';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

const SECRET = `whsec_${Buffer.from('virtio-matrix-notify-test-secret').toString('base64')}`;

interface Delivery { headers: IncomingHttpHeaders; body: string }

/** A receiver that answers the first `failures` deliveries with 503, then 204. */
async function receiver(failures: number): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.statusCode = deliveries.length <= failures ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hooks/virtio-matrix`, deliveries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function runSmall(server: TestServer): Promise<string> {
  await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
  await server.queue.idle();
  return started.data!.startRun.id;
}

test('When a run succeeds, then the receiver gets one run.succeeded event signed per Standard Webhooks, retried after a 503 under the same id', async () => {
  const hook = await receiver(1);
  const server = await startTestServer({ notify: { url: hook.url, secret: SECRET, baseDelayMs: 20 } });
  try {
    const runId = await runSmall(server);
    await server.notifier!.settled();
    expect(hook.deliveries).toHaveLength(2);
    const [first, second] = hook.deliveries;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const headers = { 'webhook-id': String(second.headers['webhook-id']), 'webhook-timestamp': String(second.headers['webhook-timestamp']), 'webhook-signature': String(second.headers['webhook-signature']) };
    const event = new Webhook(SECRET).verify(second.body, headers) as { type: string; data: { id: string; status: string; summary: Record<string, number> } };
    const run = await server.services.store.getRun(runId);
    expect(event).toMatchObject({ type: 'run.succeeded', data: { id: runId, status: 'succeeded', summary: { total: run!.cellsTotal, ok: run!.ok, broken: run!.broken, probeFailed: run!.probeFailed } } });
    // A body changed on the way does not verify: the signature covers it.
    expect(() => new Webhook(SECRET).verify(second.body.replace('succeeded', 'failed'), headers)).toThrow();
  } finally {
    await server.dispose();
    await hook.close();
  }
});

test('When the receiver is down, then the run still ends on time and the notifier gives up after its attempts', async () => {
  const hook = await receiver(0);
  await hook.close(); // nothing listens on that port any more
  const server = await startTestServer({ notify: { url: hook.url, secret: SECRET, attempts: 3, baseDelayMs: 20 } });
  try {
    const runId = await runSmall(server);
    expect((await server.services.store.getRun(runId))!.status).toBe('succeeded');
    await server.notifier!.settled();
  } finally {
    await server.dispose();
  }
});

test('NOTIFY_URL and NOTIFY_SECRET go together, and the secret must be a Standard Webhooks secret', () => {
  expect(notifyFromEnv({})).toBeNull();
  expect(() => notifyFromEnv({ NOTIFY_URL: 'http://ci.example/hook' })).toThrow(/both NOTIFY_URL and NOTIFY_SECRET/);
  expect(() => notifyFromEnv({ NOTIFY_URL: 'ftp://ci.example', NOTIFY_SECRET: SECRET })).toThrow(/http\(s\) URL/);
  expect(() => notifyFromEnv({ NOTIFY_URL: 'http://ci.example/hook', NOTIFY_SECRET: 'not-base64-%%%' })).toThrow();
  expect(notifyFromEnv({ NOTIFY_URL: 'http://ci.example/hook', NOTIFY_SECRET: SECRET })).toEqual({ url: 'http://ci.example/hook', secret: SECRET });
});
