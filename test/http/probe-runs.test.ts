/**
 * The read side of probe runs, without booting: results are committed through the store as a
 * probe run's executor commits them, then read through GraphQL and HTTP on both backends.
 */
import { randomBytes } from 'node:crypto';
import { MatrixPlan } from '../../src/engine';
import { predict } from '../../src/probe/compare';
import type { CellBoot } from '../../src/probe/boot-cell';
import { BACKENDS } from '../support/databases';
import { startTestServer, type TestServer } from './helpers';

const TINY = {
  name: 'tiny-net', archs: ['s390x'], transports: ['ccw'], devices: ['net'], modes: ['transitional', 'legacy'],
  hypervisors: ['qemu-7.2'], kernels: ['6.1'], strategies: ['pre-fix'], config: { mtu: [1280] },
};

describe.each(BACKENDS)('probe runs read through the API: %s', (backend) => {
  let server: TestServer;
  let runId: string;
  let kernelId: string;
  const { name: _name, ...spec } = TINY;
  const plan = new MatrixPlan({ ...spec, backends: ['qemu'] });

  /** A boot as bootCell returns it: the engine's prediction at 6.1.192, and what the guest "showed". */
  function booted(position: number, observedVerdict?: 'OK' | 'BROKEN'): CellBoot {
    const { observation: predicted } = predict({ ...plan.combinationAt(position), kernel: '6.1.192' });
    const observed = observedVerdict ? { ...predicted, verdict: observedVerdict } : predicted;
    const agree = observed.verdict === predicted.verdict;
    return {
      attempts: 1, seconds: 3.5, console: `[    0.000000] Linux version 6.1.192\n===VPROBE-BEGIN===\nposition ${position}\n===VPROBE-END===\n`,
      result: { observed, predicted, agree, differences: agree ? [] : [`verdict: guest ${observed.verdict}, engine ${predicted.verdict}`] },
    };
  }

  beforeAll(async () => {
    server = await startTestServer({ backend });
    expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: TINY })).errors).toBeUndefined();
    const res = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=6.1.192&strategy=pre-fix`, { method: 'PUT', body: randomBytes(512), headers: server.auth });
    kernelId = ((await res.json()) as { id: string }).id;
    const store = server.services.store;
    const matrix = (await server.services.runDeps.matrixByName('tiny-net'))!;
    const run = await store.createProbeRun(matrix, 'test', kernelId);
    runId = run.id;
    await store.recordSkips(runId, {});
    await store.markRunning(runId);
    // Position 0 is transitional (BROKEN predicted), 1 legacy (OK predicted): the guest disagrees on 1.
    await store.commitProbeCell(runId, 0, booted(0));
    await store.commitProbeCell(runId, 1, booted(1, 'BROKEN'));
    await store.commitProbeCell(runId, 1, booted(1)); // a repeated commit (resume) changes nothing
    await store.finishRun(runId, 'succeeded', await store.readVerdicts(runId, matrix.positions));
  });

  afterAll(async () => {
    await server.dispose();
  });

  test('When a probe run is read, then it is a PROBE run of its kernel with a summary counting the disagreement once', async () => {
    const r = await server.gql<{ run: Record<string, unknown> }>(`query($id: ID!) { run(id: $id) { kind status kernel { id arch linux strategy }
      summary { total ok broken disagreements infrastructureFailures guestFailures skipped skippedReasons { reason count } } } }`, { id: runId });
    expect(r.errors).toBeUndefined();
    expect(r.data!.run).toEqual({
      kind: 'PROBE', status: 'SUCCEEDED', kernel: { id: kernelId, arch: 's390x', linux: '6.1.192', strategy: 'pre-fix' },
      summary: { total: 2, ok: 0, broken: 2, disagreements: 1, infrastructureFailures: 0, guestFailures: 0, skipped: 0, skippedReasons: [] },
    });
  });

  test('When its cells are read, then each has observed, predicted and agree, the verdict is the observed one, and the console is one GET away', async () => {
    const r = await server.gql<{ cells: { edges: { node: { verdict: string; agree: boolean; differences: string[]; observed: { verdict: string; negotiated: string[]; negotiatedBits: number[] }; predicted: { verdict: string }; boot: { consolePath: string } } }[] } }>(
      `query($run: ID!) { cells(run: $run) { edges { node { position verdict agree differences observed { verdict guestValue negotiatedBits negotiated status } predicted { verdict guestValue negotiatedBits } boot { attempts seconds consolePath } } } } }`, { run: runId });
    expect(r.errors).toBeUndefined();
    const [transitional, legacy] = r.data!.cells.edges.map((e) => e.node);
    expect(transitional).toMatchObject({ verdict: 'BROKEN', agree: true, differences: [], predicted: { verdict: 'BROKEN' } });
    // The 2021 misread on a pre-fix kernel: VIRTIO_NET_F_MTU (bit 3) is not negotiated.
    expect(transitional.observed.negotiatedBits).not.toContain(3);
    expect(transitional.observed.negotiated).toContain('VIRTIO_F_VERSION_1');
    expect(legacy).toMatchObject({ verdict: 'BROKEN', agree: false, observed: { verdict: 'BROKEN' }, predicted: { verdict: 'OK' } });
    expect(legacy.differences).toEqual(['verdict: guest BROKEN, engine OK']);
    const res = await fetch(`${server.url}${legacy.boot.consolePath}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('===VPROBE-BEGIN===\nposition 1\n');
  });

  test('When a console is asked for that does not exist, then 404 with a JSON error', async () => {
    for (const path of [`/api/runs/${runId}/cells/7/console`, '/api/runs/999/cells/0/console', `/api/runs/${runId}/cells/x/console`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  test('When an engine run of the same matrix is read, then it is ENGINE, has no disagreements and its cells no observation; compareRuns pairs it with the probe run', async () => {
    const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "tiny-net") { id } }');
    const engineId = started.data!.startRun.id;
    await server.queue.idle();
    const r = await server.gql<{ run: { kind: string; summary: { disagreements: number | null } }; cells: { edges: { node: { observed: unknown; agree: unknown; boot: unknown } }[] }; compareRuns: { totalCount: number; edges: { node: { base: { position: number } } }[] } }>(
      `query($id: ID!, $probe: ID!) { run(id: $id) { kind summary { disagreements } } cells(run: $id) { edges { node { observed { verdict } agree boot { attempts } } } }
        compareRuns(base: $id, head: $probe) { totalCount edges { node { base { position } } } } }`, { id: engineId, probe: runId });
    expect(r.errors).toBeUndefined();
    expect(r.data!.run).toEqual({ kind: 'ENGINE', summary: { disagreements: null } });
    expect(r.data!.cells.edges.map((e) => e.node)).toEqual([{ observed: null, agree: null, boot: null }, { observed: null, agree: null, boot: null }]);
    // The engine (at 6.1) says the legacy cell is OK, the "guest" showed BROKEN: the one change.
    expect(r.data!.compareRuns.edges.map((e) => e.node.base.position)).toEqual([1]);
  });

  test('When a probe run is asked for with an unknown kernel or where no probe is installed, then NOT_FOUND or BAD_USER_INPUT and no run is made', async () => {
    const before = (await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }')).data!.runs.totalCount;
    const saved = process.env.PROBE_DIR;
    try {
      process.env.PROBE_DIR = '/nonexistent/probe';
      const none = await server.gql('mutation($k: ID!) { startRun(matrix: "tiny-net", probe: { kernel: $k }) { id } }', { k: kernelId });
      expect(none.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'probe' });
      expect(none.errors![0].message).toMatch(/probe dependencies are not installed/);
    } finally {
      if (saved === undefined) delete process.env.PROBE_DIR;
      else process.env.PROBE_DIR = saved;
    }
    const unknown = await server.gql('mutation { startRun(matrix: "tiny-net", probe: { kernel: "0000000000000000000000000000000000000000000000000000000000000000" }) { id } }');
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', kind: 'kernel' });
    expect((await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }')).data!.runs.totalCount).toBe(before);
  });
});
