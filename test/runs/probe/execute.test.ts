/**
 * A probe run of real boots, when VIRTIO_MATRIX_PROBES=1 (PROBE_DIR holding the probe
 * dependencies, the kernel cache holding the s390x 6.1 pre-fix build): the pre-fix image is PUT
 * as an artifact, a tiny matrix is run through GraphQL, two cells boot (2-8 s each under TCG).
 * Twice: booted by the service on SQLite, and by a worker through Redis on PostgreSQL; both store
 * the same cells and summary.
 */
import { readFileSync } from 'node:fs';
import { buildKernel } from '../../../src/kernels/build';
import { DEPLOYMENTS, startTestServer, type TestServer } from '../../http/helpers';

const enabled = process.env.VIRTIO_MATRIX_PROBES === '1';
const maybe = enabled ? test : test.skip;

const TINY = {
  name: 'tiny-s390x-net', archs: ['s390x'], transports: ['ccw'], devices: ['net'], modes: ['transitional', 'legacy'],
  hypervisors: ['qemu-7.2'], kernels: ['6.1'], strategies: ['pre-fix', 'write-back'], config: { mtu: [1280] },
};

type Obs = { verdict: string; guestValue: number; negotiatedBits: number[]; negotiated: string[] };
type CellNode = { combination: { mode: string; strategy: string }; verdict: string; agree: boolean; differences: string[]; observed: Obs; predicted: Obs; boot: { attempts: number; consolePath: string } };

/** What each deployment stored, without what differs by nature (paths, timings). */
const stored = new Map<string, unknown>();
const deployments = DEPLOYMENTS.filter(([, d]) => d.backend === 'sqlite' || d.workers);

maybe.each(deployments)('When a tiny matrix runs as real boots of the pre-fix s390x kernel (%s), then the transitional net cell loses VIRTIO_NET_F_MTU as the engine predicts, and the other strategy is skipped with its reason', async (label, deployment) => {
  const { kernel: built } = await buildKernel({ series: '6.1', arch: 's390x', strategy: 'pre-fix' });
  let server: TestServer | undefined;
  try {
    server = await startTestServer(deployment);
    const put = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=${built.linuxVersion}&strategy=pre-fix`, { method: 'PUT', body: readFileSync(built.image), headers: server.auth });
    expect(put.status).toBe(201);
    const kernel = ((await put.json()) as { id: string }).id;
    expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: TINY })).errors).toBeUndefined();
    const started = await server.gql<{ startRun: { id: string; kind: string } }>('mutation($k: ID!) { startRun(matrix: "tiny-s390x-net", probe: { kernel: $k }) { id kind } }', { k: kernel });
    expect(started.errors).toBeUndefined();
    const runId = started.data!.startRun.id;
    await server.probeQueue.idle();

    const r = await server.gql<{ run: { status: string; error: string | null; summary: Record<string, unknown> }; cells: { edges: { node: CellNode }[] } }>(
      `query($id: ID!) { run(id: $id) { status error summary { total ok broken disagreements infrastructureFailures guestFailures skipped skippedReasons { reason count } } }
        cells(run: $id) { edges { node { combination { mode strategy } verdict agree differences observed { verdict guestValue negotiatedBits negotiated } predicted { verdict guestValue negotiatedBits negotiated } boot { attempts consolePath } } } } }`,
      { id: runId });
    expect(r.errors).toBeUndefined();
    expect(r.data!.run).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(r.data!.run.summary).toEqual({
      total: 4, ok: 1, broken: 1, disagreements: 0, infrastructureFailures: 0, guestFailures: 0, skipped: 2,
      skippedReasons: [{ reason: 'the kernel under test stands for pre-fix, not write-back', count: 2 }],
    });
    const cells = r.data!.cells.edges.map((e) => e.node);
    expect(cells).toHaveLength(2);
    stored.set(label, { summary: r.data!.run.summary, cells: cells.map(({ boot: _boot, ...cell }) => cell) });
    const transitional = cells.find((c) => c.combination.mode === 'transitional')!;
    expect(transitional).toMatchObject({ verdict: 'BROKEN', agree: true, differences: [], observed: { verdict: 'BROKEN', guestValue: 1500 } });
    expect(transitional.observed.negotiatedBits).not.toContain(3); // VIRTIO_NET_F_MTU, dropped in validate()
    expect(transitional.observed.negotiatedBits).toEqual(transitional.predicted.negotiatedBits);
    const legacy = cells.find((c) => c.combination.mode === 'legacy')!;
    expect(legacy).toMatchObject({ verdict: 'OK', agree: true, observed: { guestValue: 1280 } });
    expect(legacy.observed.negotiated).toContain('VIRTIO_NET_F_MTU');

    const log = await fetch(`${server.url}${transitional.boot.consolePath}`);
    expect(log.status).toBe(200);
    const text = await log.text();
    expect(text).toContain('===VPROBE-END===');
    expect(text).toMatch(/Linux version 6\.1\.192/);
  } finally {
    await server?.dispose();
  }
}, 10 * 60_000);

maybe('When both deployments have booted the matrix, then they stored the same cells and summary', () => {
  const [inProcess, workers] = deployments.map(([label]) => stored.get(label));
  expect(inProcess).toBeDefined();
  expect(workers).toEqual(inProcess);
});
