/** The server's log: a run's start and end with its counts, a failed run with its error, and every webhook delivery accepted or refused with the reason. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/http/webhook-signature';
import { logRunEnd } from '../../src/runs/run-log';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';
import { planShards } from '../../src/runs/shard-plan';

const SECRET = 'log-secret-8a2d';
type Line = Record<string, any>;
const lines: Line[] = [];
const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ webhookSecret: SECRET, logger: pino({ level: 'info' }, sink) });
  await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
});
afterAll(async () => {
  await server.queue.idle();
  await server.dispose();
});

async function until(find: () => Line | undefined): Promise<Line> {
  for (let i = 0; i < 100; i++) {
    const found = find();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no such log line in ${JSON.stringify(lines.map((l) => l.msg))}`);
}

test('When a run starts and ends, then "run started" and "run finished" name the run and the matrix, the latter with its counts', async () => {
  const r = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
  const id = r.data!.startRun.id;
  await server.queue.idle();
  const started = await until(() => lines.find((l) => l.msg === 'run started' && l.runId === id));
  expect(started).toMatchObject({ level: 30, matrix: 'small', trigger: 'graphql', kind: 'engine' });
  const finished = await until(() => lines.find((l) => l.msg === 'run finished' && l.runId === id));
  const run = (await server.services.store.getRun(id))!;
  expect(finished).toMatchObject({ matrix: 'small', status: 'succeeded', ok: run.ok, degraded: run.degraded, broken: run.broken, skipped: run.skipped, positions: run.cellsTotal });
  expect(run.broken).toBeGreaterThan(0);
});

test('When a run has failed, then its line is "run failed" at error level with the stored error', async () => {
  const failed: Line[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(c, _e, done) { failed.push(JSON.parse(String(c))); done(); } }));
  const small = (await server.services.runDeps.matrixByName('small'))!;
  const run = await server.services.store.createRun(small, 'test', planShards(small.positions));
  await server.services.store.finishRun(run.id, 'failed', null, 'shard 3: connection lost');
  logRunEnd(log, (await server.services.store.getRun(run.id))!);
  await new Promise((r) => setImmediate(r));
  expect(failed).toEqual([expect.objectContaining({ level: 50, msg: 'run failed', runId: run.id, matrix: 'small', status: 'failed', error: 'shard 3: connection lost' })]);
});

function signed(body: string) {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(SECRET, ts, body), [TIMESTAMP_HEADER]: String(ts) };
}

test('When webhooks are accepted or refused, then one line each says which, with the run or the code and reason', async () => {
  const body = JSON.stringify({ matrix: 'small', trigger: 'ci abc' });
  const ok = await fetch(`${server.url}/webhooks/runs`, { method: 'POST', headers: signed(body), body });
  const { runId } = (await ok.json()) as { runId: string };
  await fetch(`${server.url}/webhooks/runs`, { method: 'POST', headers: { ...signed(body), [SIGNATURE_HEADER]: 'sha256=00' }, body });
  const unknown = JSON.stringify({ matrix: 'nope' });
  await fetch(`${server.url}/webhooks/runs`, { method: 'POST', headers: signed(unknown), body: unknown });
  await fetch(`${server.url}/webhooks/github?matrix=small`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'g-1' }, body: '{}' });

  const hooks = await until(() => (lines.filter((l) => String(l.msg).startsWith('webhook')).length >= 4 ? ({ all: lines } as Line) : undefined))
    .then((found) => (found.all as Line[]).filter((l: Line) => String(l.msg).startsWith('webhook')));
  expect(hooks).toEqual([
    expect.objectContaining({ level: 30, msg: 'webhook accepted', webhook: '/webhooks/runs', status: 202, runId, started: true, duplicate: false, matrix: 'small' }),
    expect.objectContaining({ level: 40, msg: 'webhook refused', webhook: '/webhooks/runs', status: 401, code: 'BAD_SIGNATURE', reason: expect.stringContaining('sign the raw body') }),
    expect.objectContaining({ msg: 'webhook refused', status: 404, code: 'NOT_FOUND', reason: expect.stringContaining('nope') }),
    expect.objectContaining({ msg: 'webhook refused', webhook: '/webhooks/github', status: 503, code: 'WEBHOOKS_DISABLED', event: 'push', delivery: 'g-1', matrix: 'small', reason: expect.stringContaining('GITHUB_WEBHOOK_SECRET') }),
  ]);
});
