/** `virtio-matrix gate` as a real process against a served store: exit 0 pass, 1 fail, 2 usage or infrastructure error. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../http/helpers';
import { GATE_SPEC, engineCells, expectedRegressions, isFailing, prepareEngineChange } from '../support/gate-runs';
import { parseJUnit } from '../support/junit';
import { planShards } from '../../src/runs/shard-plan';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
let server: TestServer;
let dir: string;
/** Run 1: stored by another engine (see gate-runs); runs 2 and 3: today's engine, same matrix "gate". */
const runs = { otherEngine: '1', second: '', third: '' };

interface Gate { status: number | null; summary: Record<string, unknown>; stderr: string }

// Each gate is a process of its own: about a second to start on a loaded machine.
jest.setTimeout(30_000);

/** Async: the server answers from this process's event loop. `onStderr` sees stderr as it grows. */
function gate(args: string[], onStderr?: (text: string) => void): Promise<Gate> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'gate', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on('close', (status) => {
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1); // one JSON summary line, whatever happened
      resolve({ status, summary: JSON.parse(lines[0]), stderr });
    });
  });
}

async function runToEnd(matrix: string): Promise<string> {
  const id = (await server.gql<{ startRun: { id: string } }>('mutation($m: String!) { startRun(matrix: $m) { id } }', { m: matrix })).data!.startRun.id;
  await server.queue.idle();
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-gate-'));
  server = await startTestServer({ prepare: prepareEngineChange });
  runs.second = await runToEnd('gate');
  runs.third = await runToEnd('gate');
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('When the run has BROKEN cells and no baseline is given, then exit 1, and the JUnit file lists each of them', async () => {
  const failing = engineCells(GATE_SPEC).filter((c) => isFailing(c.verdict));
  const junit = join(dir, 'reports', 'plain.xml');
  const r = await gate(['--server', server.url, '--run', runs.second, '--junit', junit]);
  expect(r.status).toBe(1);
  expect(r.summary).toMatchObject({ result: 'fail', run: runs.second, matrix: 'gate', status: 'succeeded', baseline: null, criterion: 'verdict', failing: failing.length, junit });
  const report = parseJUnit(readFileSync(junit, 'utf8'));
  expect(report.cases.filter((c) => c.failure).map((c) => c.name).sort()).toEqual(failing.map((c) => c.name).sort());
  expect(r.stderr).toContain(`run ${runs.second} (gate): succeeded`);
});

test('When the baseline was stored by another engine, then exit 1 on exactly the regressions, and the JUnit file names them', async () => {
  const expected = expectedRegressions();
  const junit = join(dir, 'regressions.xml');
  const r = await gate(['--server', server.url, '--run', runs.second, '--baseline', runs.otherEngine, '--junit', junit]);
  expect(r.status).toBe(1);
  expect(r.summary).toMatchObject({ result: 'fail', baseline: runs.otherEngine, criterion: 'regression', failing: expected.size });
  const report = parseJUnit(readFileSync(junit, 'utf8'));
  expect(report.cases.filter((c) => c.failure).map((c) => c.name).sort()).toEqual([...expected.keys()].sort());
});

test('When the baseline is "last" and nothing regressed since, then exit 0 although cells are BROKEN', async () => {
  const junit = join(dir, 'last.xml');
  const r = await gate(['--server', server.url, '--run', runs.third, '--baseline', 'last', '--junit', junit]);
  expect(r.status).toBe(0);
  expect(r.summary).toMatchObject({ result: 'pass', baseline: runs.second, failing: 0, judged: engineCells(GATE_SPEC).length });
  expect((r.summary.summary as { broken: number }).broken).toBeGreaterThan(0);
  const report = parseJUnit(readFileSync(junit, 'utf8'));
  expect(report).toMatchObject({ failures: 0, tests: 1 });
  expect(report.suite.properties.baseline).toBe(runs.second);
});

test('When the run is still queued, then the gate waits, prints progress, and judges it once it has run', async () => {
  const matrix = (await server.services.runDeps.matrixByName('gate'))!;
  const queued = await server.services.store.createRun(matrix, 'test: enqueued late', planShards(matrix.positions));
  let enqueued = false;
  const r = await gate(['--server', server.url, '--run', queued.id, '--interval', '0.2'], (text) => {
    // Executed only once the gate has seen it queued.
    if (!enqueued && text.includes('queued')) {
      enqueued = true;
      void server.queue.enqueue(queued.id);
    }
  });
  expect(r.status).toBe(1);
  expect(r.summary).toMatchObject({ result: 'fail', run: queued.id, status: 'succeeded' });
  expect(r.stderr).toMatch(new RegExp(`run ${queued.id} \\(gate\\): queued, 0/\\d+ positions \\(0%\\)\\n(.|\\n)*run ${queued.id} \\(gate\\): succeeded`));
});

test('When the run does not finish in time, or was cancelled, then exit 2 saying so', async () => {
  const matrix = (await server.services.runDeps.matrixByName('gate'))!;
  const stuck = await server.services.store.createRun(matrix, 'test: no worker', planShards(matrix.positions));
  const late = await gate(['--server', server.url, '--run', stuck.id, '--timeout', '1', '--interval', '0.2']);
  expect(late.status).toBe(2);
  expect(late.summary).toMatchObject({ result: 'error', error: { code: 'TIMEOUT' } });
  expect(late.stderr).toContain(`run ${stuck.id} (gate): queued`);

  const cancelled = await server.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: stuck.id });
  expect(cancelled.data).toEqual({ cancelRun: { status: 'CANCELLED' } });
  const r = await gate(['--server', server.url, '--run', stuck.id]);
  expect(r.status).toBe(2);
  expect(r.summary).toMatchObject({ result: 'error', error: { code: 'RUN_CANCELLED' } });
});

test('When the run or the "last" baseline does not exist, or the server is unreachable, then exit 2 with a code', async () => {
  const unknown = await gate(['--server', server.url, '--run', '999']);
  expect([unknown.status, unknown.summary.error]).toMatchObject([2, { code: 'NOT_FOUND' }]);
  const noBaseline = await gate(['--server', server.url, '--run', runs.otherEngine, '--baseline', 'last']);
  expect([noBaseline.status, noBaseline.summary.error]).toMatchObject([2, { code: 'NO_BASELINE' }]);

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const unreachable = await gate(['--server', `http://127.0.0.1:${port}`, '--run', '1', '--interval', '0.1']);
  expect([unreachable.status, unreachable.summary.error]).toMatchObject([2, { code: 'UNREACHABLE' }]);
});

test('When options are missing or malformed, then exit 2 naming the option, before any request', async () => {
  for (const [args, field] of [
    [['--server', server.url], 'run'],
    [['--run', '1'], 'server'],
    [['--server', 'ftp://example', '--run', '1'], 'server'],
    [['--server', server.url, '--run', 'latest'], 'run'],
    [['--server', server.url, '--run', '1', '--baseline', 'yesterday'], 'baseline'],
    [['--server', server.url, '--run', '1', '--timeout', '0'], 'timeout'],
  ] as const) {
    const r = await gate([...args]);
    expect([args, r.status, r.summary.error]).toMatchObject([args, 2, { code: 'BAD_OPTION', field }]);
  }
});

test('When --token is given, then it is sent as a bearer token, and a refusal is exit 2 UNAUTHORIZED', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const guard = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'bad token' } }));
  });
  await new Promise<void>((resolve) => guard.listen(0, '127.0.0.1', resolve));
  try {
    const r = await gate(['--server', `http://127.0.0.1:${(guard.address() as AddressInfo).port}`, '--run', '1', '--token', 's3cret']);
    expect([r.status, r.summary.error]).toMatchObject([2, { code: 'UNAUTHORIZED' }]);
    expect(seen.map((h) => h.authorization)).toEqual(['Bearer s3cret']);
  } finally {
    await new Promise((resolve) => guard.close(resolve));
  }
});
