/**
 * User patches through the API, on every deployment (SQLite; PostgreSQL with runs in process and
 * by a BullMQ worker): "When …, then …".
 */
import { readFileSync } from 'node:fs';
import { DEPLOYMENTS, startTestServer, type TestServer } from '../../http/helpers';

const [BLK_SIZE_CHECK, WRITE_BACK] = JSON.parse(readFileSync('examples/what-if/patches.json', 'utf8')) as Record<string, unknown>[];

/** The API's input: id, title and source beside the rest of the definition. */
function input(definition: Record<string, unknown>, id = definition.id as string) {
  const { title, source, ...rest } = definition;
  delete rest.id;
  return { id, title, source, definition: rest };
}

const CREATE_PATCH = 'mutation($input: KernelPatchInput!) { createKernelPatch(input: $input) { id title builtIn definition } }';
const LISTED = '{ profiles { kernelPatches { id builtIn definition } qemuChanges { id builtIn definition } } }';
const DIFF = `query($run: ID!, $base: String!, $head: String!) { diff(run: $run, axis: KERNEL, base: $base, head: $head, first: 100) {
  regressions fixes changes edges { node { transition base { verdict combination { arch mode kernel } } head { verdict combination { arch kernel } outcome { verdict } } } } } }`;

type Diff = { regressions: number; fixes: number; changes: number; edges: { node: { transition: string; base: { combination: { arch: string; mode: string } }; head: { verdict: string; outcome: { verdict: string } } } }[] };

describe.each(DEPLOYMENTS)('What-if patches: %s', (_name, deployment) => {
  let server: TestServer;

  async function finished(id: string): Promise<string> {
    for (let i = 0; i < 400; i++) {
      const r = await server.gql<{ run: { status: string } }>('query($id: ID!) { run(id: $id) { status } }', { id });
      if (r.data!.run.status !== 'QUEUED' && r.data!.run.status !== 'RUNNING') return r.data!.run.status;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`run ${id} did not finish`);
  }

  beforeAll(async () => {
    server = await startTestServer(deployment);
  });
  afterAll(async () => {
    await server.dispose();
  });

  test('When a patch is created without a run token, then it is refused and nothing is stored', async () => {
    const r = await server.gqlAs(null, CREATE_PATCH, { input: input(BLK_SIZE_CHECK, 'anonymous') });
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const listed = await server.gql<{ profiles: { kernelPatches: { id: string }[] } }>(LISTED);
    expect(listed.data!.profiles.kernelPatches.map((p) => p.id)).not.toContain('anonymous');
  });

  test('When a definition is nonsense or its id is taken, then BAD_USER_INPUT names the bad part and nothing is stored', async () => {
    const bad = input(BLK_SIZE_CHECK, 'nonsense');
    const driver = (bad.definition.driver as Record<string, unknown>[]).map((r, i) => (i === 1 ? { ...r, reject: { min: 'small', max: 4096 } } : r));
    const refusals = await Promise.all([
      server.gql(CREATE_PATCH, { input: { ...bad, definition: { ...bad.definition, driver } } }),
      server.gql(CREATE_PATCH, { input: { ...bad, definition: { ...bad.definition, role: 'feature' } } }),
      server.gql(CREATE_PATCH, { input: { ...bad, definition: [1, 2] } }),
      server.gql(CREATE_PATCH, { input: input(BLK_SIZE_CHECK, '82e89ea077b9') }),
      server.gql(CREATE_PATCH, { input: input(BLK_SIZE_CHECK, 'has+plus') }),
      server.gql('mutation($input: QemuChangeInput!) { createQemuChange(input: $input) { id } }',
        { input: { id: 'odd', title: 'offers a feature blk lacks', source: 'test', definition: { offers: [{ device: 'blk', add: ['VIRTIO_NET_F_MTU'] }] } } }),
    ]);
    expect(refusals.map((r) => [r.errors?.[0].extensions?.code, r.errors?.[0].extensions?.field])).toEqual([
      ['BAD_USER_INPUT', 'definition.driver.1.reject.min'],
      ['BAD_USER_INPUT', 'definition.role'],
      ['BAD_USER_INPUT', 'definition'],
      ['BAD_USER_INPUT', 'id'],
      ['BAD_USER_INPUT', 'id'],
      ['BAD_USER_INPUT', 'definition.offers.0.add.0'],
    ]);
    const listed = await server.gql<{ profiles: { kernelPatches: { id: string; builtIn: boolean }[]; qemuChanges: { id: string }[] } }>(LISTED);
    expect(listed.data!.profiles.kernelPatches.filter((p) => !p.builtIn)).toEqual([]);
    expect(listed.data!.profiles.qemuChanges.map((c) => c.id)).not.toContain('odd');
  });

  test('When the 2021 story is run forward as a matrix, then the proposal regresses big-endian cells only and the write-back on top fixes them', async () => {
    for (const patch of [BLK_SIZE_CHECK, WRITE_BACK]) {
      const created = await server.gql<{ createKernelPatch: { id: string; builtIn: boolean; definition: object } }>(CREATE_PATCH, { input: input(patch) });
      expect(created.errors).toBeUndefined();
      expect(created.data!.createKernelPatch).toEqual({ id: patch.id, title: patch.title, builtIn: false, definition: patch });
    }
    const again = await server.gql(CREATE_PATCH, { input: input(BLK_SIZE_CHECK) });
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    // Built-ins are listed with their definitions, the stored ones after them.
    const listed = await server.gql<{ profiles: { kernelPatches: { id: string; builtIn: boolean; definition: Record<string, unknown> }[] } }>(LISTED);
    const patches = listed.data!.profiles.kernelPatches;
    expect(patches.find((p) => p.id === '2f9a174f918e')).toMatchObject({ builtIn: true, definition: { core: [{ kind: 'writeBackVersion1BeforeValidate' }] } });
    expect(patches.filter((p) => !p.builtIn).map((p) => p.id)).toEqual(['blk-size-check', 'write-back-v3']);

    const matrix = {
      name: 'story', archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk'], modes: ['legacy', 'transitional'],
      hypervisors: ['qemu-6.1'], kernels: ['5.13', '5.13+blk-size-check', '5.13+blk-size-check+write-back-v3'], config: { blk_size: [4096] },
    };
    const created = await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name kernels } }', { input: matrix });
    expect(created.errors).toBeUndefined();
    const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "story") { id } }');
    const runId = started.data!.startRun.id;
    expect(await finished(runId)).toBe('SUCCEEDED');

    const proposal = await server.gql<{ diff: Diff }>(DIFF, { run: runId, base: '5.13', head: '5.13+blk-size-check' });
    expect(proposal.errors).toBeUndefined();
    // s390x (big-endian) transitional on pci and ccw; legacy and x86_64 cells keep their verdict.
    expect(proposal.data!.diff).toMatchObject({ regressions: 2, fixes: 0, changes: 0 });
    const regressed = proposal.data!.diff.edges.map((e) => e.node);
    expect(regressed.map((n) => n.base.combination)).toEqual([
      { arch: 's390x', mode: 'transitional', kernel: '5.13' }, { arch: 's390x', mode: 'transitional', kernel: '5.13' },
    ]);
    // The stored verdict and a fresh evaluation of the cell (with the run's patches) agree.
    for (const n of regressed) expect(n.head.outcome.verdict).toBe(n.head.verdict);

    const fix = await server.gql<{ diff: Diff }>(DIFF, { run: runId, base: '5.13+blk-size-check', head: '5.13+blk-size-check+write-back-v3' });
    expect(fix.data!.diff).toMatchObject({ regressions: 0, fixes: 2, changes: 0 });
    expect(fix.data!.diff.edges.map((e) => e.node.base.combination)).toEqual(regressed.map((n) => ({ ...n.base.combination, kernel: '5.13+blk-size-check' })));

    // A second run of the matrix compares with the first cell by cell: same values, same verdicts.
    const second = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "story") { id } }');
    expect(await finished(second.data!.startRun.id)).toBe('SUCCEEDED');
    const compared = await server.gql('query($base: ID!, $head: ID!) { compareRuns(base: $base, head: $head) { regressions fixes changes } }', { base: runId, head: second.data!.startRun.id });
    expect(compared).toMatchObject({ data: { compareRuns: { regressions: 0, fixes: 0, changes: 0 } } });

    // Deleting a patch a matrix applies is refused, naming the matrix.
    const refused = await server.gql('mutation { deleteKernelPatch(id: "blk-size-check") { id } }');
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', usedBy: ['matrix "story"'] });

    // The run's meaning lives in its profile snapshot: with the stored patches gone (as a later
    // deletion would leave it) and the view reloaded, the diff answers the same.
    const RUN = 'query($id: ID!) { run(id: $id) { profileHash profilesCurrent kernelPatches { id builtIn definition } qemuChanges { id } } }';
    const run = await server.gql<{ run: { profileHash: string; profilesCurrent: boolean } }>(RUN, { id: runId });
    expect(run.data!.run).toMatchObject({ profilesCurrent: true, kernelPatches: [{ id: 'blk-size-check', builtIn: false, definition: BLK_SIZE_CHECK }, { id: 'write-back-v3' }], qemuChanges: [] });
    expect(run.data!.run.profileHash).not.toBe(server.db.profileHash);
    await server.db.prisma.userPatch.deleteMany({});
    server.services.views.forget(runId);
    const later = await server.gql<{ diff: Diff }>(DIFF, { run: runId, base: '5.13', head: '5.13+blk-size-check' });
    expect(later.data!.diff).toEqual(proposal.data!.diff);
    expect((await server.gql(RUN, { id: runId })).data).toEqual(run.data);
  });

  test('When a QEMU change is stored, then qemu-X.Y+ID applies it in evaluate, and it is deletable while no matrix applies it', async () => {
    const le = { id: 'le-modern-config', title: 'virtio: config little endian on the modern interface', source: 'MST, 2021-10-03: "Any virtio 1.0 and up compatible device must use LE"', definition: { configByteOrder: 'modernInterface' } };
    const created = await server.gql('mutation($input: QemuChangeInput!) { createQemuChange(input: $input) { id builtIn definition } }', { input: le });
    expect(created.errors).toBeUndefined();
    const cell = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', kernel: '5.14', config: { blk_size: 4096 } };
    const q = 'query($input: CombinationInput!) { evaluate(input: $input) { verdict combination { hypervisor } } }';
    const [released, proposed] = await Promise.all([
      server.gql<{ evaluate: { verdict: string } }>(q, { input: { ...cell, hypervisor: 'qemu-6.1' } }),
      server.gql<{ evaluate: { verdict: string; combination: { hypervisor: string } } }>(q, { input: { ...cell, hypervisor: 'qemu-6.1+le-modern-config' } }),
    ]);
    expect(released.data!.evaluate.verdict).toBe('BROKEN');
    expect(proposed.data!.evaluate).toEqual({ verdict: 'OK', combination: { hypervisor: 'qemu-6.1+le-modern-config' } });
    const deleted = await server.gql<{ deleteQemuChange: { id: string } }>('mutation { deleteQemuChange(id: "le-modern-config") { id } }');
    expect(deleted.data!.deleteQemuChange.id).toBe('le-modern-config');
    const gone = await server.gql(q, { input: { ...cell, hypervisor: 'qemu-6.1+le-modern-config' } });
    expect(gone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hypervisor' });
    const missing = await server.gql('mutation { deleteQemuChange(id: "le-modern-config") { id } }');
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
