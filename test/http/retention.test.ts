/** deleteRun: a finished run goes with its results, shards, boot consoles and delivery; a live run, an unknown id or a caller without a run token changes nothing. */
import { BACKENDS } from '../support/databases';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';
import { planShards } from '../../src/runs/shard-plan';

const DELETE = 'mutation($id: ID!) { deleteRun(id: $id) { id status matrix { name } } }';

describe.each(BACKENDS)('deleteRun on %s', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  }, 60_000);
  afterAll(async () => {
    await server.queue.idle();
    await server.dispose();
  });

  async function finishedRun(): Promise<string> {
    const r = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
    await server.queue.idle();
    return r.data!.startRun.id;
  }

  const rowsOf = async (id: string) => {
    const { prisma } = server.db;
    const runId = Number(id);
    return {
      runs: await prisma.run.count({ where: { id: runId } }), results: await prisma.resultBlob.count({ where: { runId } }),
      shards: await prisma.runShard.count({ where: { runId } }), probes: await prisma.probeResult.count({ where: { runId } }),
      deliveries: await prisma.delivery.count({ where: { runId } }),
    };
  };

  test('When a finished run is deleted with a run token, then it answers the run as it was and its results, shards, consoles and delivery are gone; other runs stay', async () => {
    const kept = await finishedRun();
    const matrix = (await server.services.runDeps.matrixByName('small'))!;
    // A delivered run that also has a boot console row, so every child table has something to lose.
    const { run } = await server.services.store.createDeliveredRun(matrix, 'webhook: test', { source: 'github', deliveryId: `d-${backend}`, event: 'push', repository: 'o/r', ref: 'refs/heads/main', commit: 'abc' }, planShards(matrix.positions));
    await server.services.runDeps.queue.enqueue(run.id);
    await server.queue.idle();
    await server.db.prisma.probeResult.create({ data: { runId: Number(run.id), position: 0, attempts: 1, seconds: 1.5, console: Buffer.from('console text') } });
    const before = await rowsOf(run.id);
    expect(before).toMatchObject({ runs: 1, shards: 1, probes: 1, deliveries: 1 });
    expect(before.results).toBeGreaterThan(0);

    const r = await server.gql<{ deleteRun: { id: string; status: string; matrix: { name: string } } }>(DELETE, { id: run.id });
    expect(r.errors).toBeUndefined();
    expect(r.data!.deleteRun).toEqual({ id: run.id, status: 'SUCCEEDED', matrix: { name: 'small' } });
    expect(await rowsOf(run.id)).toEqual({ runs: 0, results: 0, shards: 0, probes: 0, deliveries: 0 });
    expect((await server.gql<{ run: unknown }>('query($id: ID!) { run(id: $id) { id } }', { id: run.id })).data!.run).toBeNull();
    expect((await rowsOf(kept)).results).toBeGreaterThan(0);
    // The same delivery id may start a run again: the old one is forgotten with its run.
    const again = await server.services.store.createDeliveredRun(matrix, 'webhook: test', { source: 'github', deliveryId: `d-${backend}`, event: 'push', repository: null, ref: null, commit: null }, planShards(matrix.positions));
    expect(again.duplicate).toBe(false);
    await server.services.store.finishRun(again.run.id, 'cancelled', null);
  }, 60_000);

  test('When the run is queued or running, then BAD_USER_INPUT and nothing is deleted', async () => {
    const matrix = (await server.services.runDeps.matrixByName('small'))!;
    const queued = await server.services.store.createRun(matrix, 'test', planShards(matrix.positions));
    const running = await server.services.store.createRun(matrix, 'test', planShards(matrix.positions));
    await server.services.store.markRunning(running.id);
    for (const run of [queued, running]) {
      const r = await server.gql(DELETE, { id: run.id });
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].message).toMatch(/is (queued|running): cancel it first/);
      expect(await rowsOf(run.id)).toMatchObject({ runs: 1, shards: 1 });
    }
    for (const run of [queued, running]) await server.services.store.finishRun(run.id, 'cancelled', null);
  });

  test('When the id names no run, then NOT_FOUND', async () => {
    for (const id of ['999999', 'x']) expect((await server.gql(DELETE, { id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  test('When deleteRun comes without a token or with a read token, then 401/403 and the run stays', async () => {
    const id = await finishedRun();
    expect((await server.gqlAs(null, DELETE, { id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const reader = await server.createToken(`reader-${backend}`, 'read');
    expect((await server.gqlAs(reader, DELETE, { id })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await rowsOf(id)).runs).toBe(1);
  });
});
