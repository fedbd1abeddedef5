/**
 * GitHub and GitLab webhooks, and replays of the native one, against the real server and store:
 * which deliveries start runs, what the run records, and that a delivery id starts one run only,
 * however often and however concurrently it arrives.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../support/databases';
import {
  SHA_A, SHA_B, SHA_C, githubHeaders, githubIssue, githubPing, githubPullRequest, githubPush, githubRelease, githubWorkflowRun,
  gitlabHeaders, gitlabMergeRequest, gitlabPipeline, gitlabPush,
} from '../support/ci-payloads';
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/http/webhook-signature';
import { SMALL_MATRIX, startTestServer, type TestServer } from './helpers';

const GITHUB_SECRET = 'gh-secret-9b7e';
const GITLAB_TOKEN = 'gl-token-51c0';
const NATIVE_SECRET = 'native-secret-2d4a';

interface Answer { status: number; json: Record<string, any> }
interface StoredDelivery { source: string; deliveryId: string; event: string; repository: string | null; ref: string | null; commit: string | null }

describe.each<[string, Backend]>([['SQLite', 'sqlite'], ['PostgreSQL', 'postgresql']])('CI webhooks: %s', (_name, backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ backend, webhookSecret: NATIVE_SECRET, githubWebhookSecret: GITHUB_SECRET, gitlabWebhookToken: GITLAB_TOKEN });
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  }, 60_000);

  afterAll(async () => {
    await server.queue.idle();
    await server.dispose();
  });

  async function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  const github = (event: string, payload: unknown, delivery?: string, matrix = 'small') => {
    const body = JSON.stringify(payload);
    return post(`/webhooks/github?matrix=${matrix}`, body, githubHeaders(GITHUB_SECRET, event, body, delivery));
  };
  const gitlab = (event: string, payload: unknown, ids: { uuid?: string; idempotencyKey?: string } = {}, token = GITLAB_TOKEN) =>
    post('/webhooks/gitlab?matrix=small', JSON.stringify(payload), gitlabHeaders(token, event, ids));

  async function runCount(): Promise<number> {
    const r = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
    return r.data!.runs.totalCount;
  }

  async function storedRun(id: string): Promise<{ trigger: string; matrix: { name: string }; delivery: StoredDelivery | null }> {
    const r = await server.gql<{ run: { trigger: string; matrix: { name: string }; delivery: StoredDelivery | null } }>(
      'query($id: ID!) { run(id: $id) { trigger matrix { name } delivery { source deliveryId event repository ref commit receivedAt } } }', { id });
    expect(r.errors).toBeUndefined();
    return r.data!.run;
  }

  test('When GitHub delivers a push, then a run starts and records repository, ref, commit and delivery id', async () => {
    const before = await runCount();
    const delivery = randomUUID();
    const r = await github('push', githubPush(), delivery);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ started: true, duplicate: false, status: 'queued', matrix: 'small', event: 'push', deliveryId: delivery });
    expect(await runCount()).toBe(before + 1);
    const run = await storedRun(r.json.runId);
    expect(run.matrix.name).toBe('small');
    expect(run.trigger).toBe(`github push: acme/linux refs/heads/main ${SHA_A.slice(0, 12)}`);
    expect(run.delivery).toMatchObject({ source: 'GITHUB', deliveryId: delivery, event: 'push', repository: 'acme/linux', ref: 'refs/heads/main', commit: SHA_A });
  });

  test('When GitHub delivers a pull request update, a completed workflow run or a published release, then each starts a run about its head', async () => {
    const pr = await github('pull_request', githubPullRequest('synchronize'));
    expect(pr.status).toBe(202);
    expect((await storedRun(pr.json.runId)).delivery).toMatchObject({ event: 'pull_request', repository: 'acme/linux', ref: 'virtio-net-mtu', commit: SHA_B });
    const workflow = await github('workflow_run', githubWorkflowRun('completed'));
    expect(workflow.status).toBe(202);
    expect((await storedRun(workflow.json.runId)).delivery).toMatchObject({ event: 'workflow_run', ref: 'refs/heads/main', commit: SHA_C });
    const release = await github('release', githubRelease('published'));
    expect(release.status).toBe(202);
    // target_commitish is the branch "main", not a commit: no commit is recorded rather than a wrong one.
    expect((await storedRun(release.json.runId)).delivery).toMatchObject({ event: 'release', ref: 'refs/tags/v6.13-rc1', commit: null });
  });

  test('When GitHub sends a ping, another event, or an action with no new code, then 200 says so and no run starts', async () => {
    const before = await runCount();
    const ping = await github('ping', githubPing());
    expect(ping).toMatchObject({ status: 200, json: { runId: null, started: false, event: 'ping' } });
    expect(ping.json.reason).toMatch(/^ping/);
    const issue = await github('issues', githubIssue());
    expect(issue).toMatchObject({ status: 200, json: { runId: null, started: false, event: 'issues' } });
    expect(issue.json.reason).toMatch(/push, pull_request, workflow_run, release/);
    expect((await github('pull_request', githubPullRequest('closed'))).json).toMatchObject({ runId: null, started: false });
    expect((await github('workflow_run', githubWorkflowRun('requested'))).json).toMatchObject({ runId: null, started: false });
    expect((await github('release', githubRelease('edited'))).json).toMatchObject({ runId: null, started: false });
    expect((await github('push', githubPush({ ref: 'refs/heads/old', after: '0'.repeat(40), deleted: true }))).json).toMatchObject({ runId: null, started: false });
    expect(await runCount()).toBe(before);
  });

  test('When GitHub redelivers a delivery, then the answer is the first run (200, duplicate) and no run starts', async () => {
    const delivery = randomUUID();
    const first = await github('push', githubPush(), delivery);
    expect(first.status).toBe(202);
    const before = await runCount();
    const again = await github('push', githubPush(), delivery);
    expect(again).toMatchObject({ status: 200, json: { runId: first.json.runId, started: false, duplicate: true } });
    expect(await runCount()).toBe(before);
  });

  test('When one GitHub delivery arrives 8 times at once, then exactly one run starts and all 8 answers name it', async () => {
    const before = await runCount();
    const delivery = randomUUID();
    const body = JSON.stringify(githubPush({ after: SHA_B }));
    const headers = githubHeaders(GITHUB_SECRET, 'push', body, delivery);
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/webhooks/github?matrix=small', body, headers)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.json.duplicate === true)).toHaveLength(7);
    expect(new Set(answers.map((a) => a.json.runId)).size).toBe(1);
    expect(await runCount()).toBe(before + 1);
    expect((await storedRun(answers[0].json.runId)).delivery).toMatchObject({ deliveryId: delivery, commit: SHA_B });
  });

  test('When a GitHub delivery is refused (signature, matrix, size, body), then a typed error, nothing stored, and the same delivery id can start a run later', async () => {
    const before = await runCount();
    const delivery = randomUUID();
    const body = JSON.stringify(githubPush());
    const headers = githubHeaders(GITHUB_SECRET, 'push', body, delivery);

    const wrong = await post('/webhooks/github?matrix=small', body, { ...headers, 'x-hub-signature-256': githubHeaders('other-secret', 'push', body)['x-hub-signature-256'] });
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'BAD_SIGNATURE' } } });
    const { ['x-hub-signature-256']: _dropped, ...unsigned } = headers;
    expect(await post('/webhooks/github?matrix=small', body, unsigned)).toMatchObject({ status: 401, json: { error: { code: 'MISSING_SIGNATURE' } } });
    const tampered = JSON.stringify(githubPush({ ref: 'refs/heads/evil' }));
    expect(await post('/webhooks/github?matrix=small', tampered, headers)).toMatchObject({ status: 401, json: { error: { code: 'BAD_SIGNATURE' } } });
    expect(await github('push', githubPush(), delivery, 'nope')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'matrix' } } });
    expect(await github('ping', githubPing(), undefined, 'nope')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    expect(await post('/webhooks/github', body, headers)).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'matrix' } } });
    const huge = JSON.stringify({ ...githubPush(), padding: 'x'.repeat(5 * 1024 * 1024) });
    expect(await post('/webhooks/github?matrix=small', huge, githubHeaders(GITHUB_SECRET, 'push', huge, delivery))).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const notJson = '{"ref":';
    expect(await post('/webhooks/github?matrix=small', notJson, githubHeaders(GITHUB_SECRET, 'push', notJson, delivery))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_JSON' } } });
    const noRepo = JSON.stringify({ ...githubPush(), repository: undefined });
    expect(await post('/webhooks/github?matrix=small', noRepo, githubHeaders(GITHUB_SECRET, 'push', noRepo, delivery))).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'repository' } } });
    expect(await runCount()).toBe(before);

    // None of the refusals took the delivery id.
    expect((await post('/webhooks/github?matrix=small', body, headers)).status).toBe(202);
    expect(await runCount()).toBe(before + 1);
  });

  test('When GitHub posts the payload form-encoded, then it is read as the JSON it carries', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify(githubPush()) }).toString();
    const r = await post('/webhooks/github?matrix=small', body, { ...githubHeaders(GITHUB_SECRET, 'push', body), 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(202);
    expect((await storedRun(r.json.runId)).delivery).toMatchObject({ repository: 'acme/linux', commit: SHA_A });
  });

  test('When GitLab delivers a push, a merge request with new commits or a finished pipeline, then each starts a run and records what it is about', async () => {
    const uuid = randomUUID();
    const push = await gitlab('Push Hook', gitlabPush(), { uuid });
    expect(push).toMatchObject({ status: 202, json: { started: true, source: 'gitlab', deliveryId: uuid } });
    const pushRun = await storedRun(push.json.runId);
    expect(pushRun.trigger).toBe(`gitlab push: virt/linux refs/heads/main ${SHA_A.slice(0, 12)}`);
    expect(pushRun.delivery).toMatchObject({ source: 'GITLAB', deliveryId: uuid, event: 'Push Hook', repository: 'virt/linux', ref: 'refs/heads/main', commit: SHA_A });

    const mr = await gitlab('Merge Request Hook', gitlabMergeRequest('update', { oldrev: SHA_A }));
    expect(mr.status).toBe(202);
    expect((await storedRun(mr.json.runId)).delivery).toMatchObject({ event: 'Merge Request Hook', repository: 'virt/linux', ref: 'virtio-net-mtu', commit: SHA_B });
    expect((await gitlab('Merge Request Hook', gitlabMergeRequest('open'))).status).toBe(202);

    const pipeline = await gitlab('Pipeline Hook', gitlabPipeline('success'));
    expect(pipeline.status).toBe(202);
    expect((await storedRun(pipeline.json.runId)).delivery).toMatchObject({ event: 'Pipeline Hook', ref: 'refs/heads/main', commit: SHA_C });
  });

  test('When GitLab sends events with no new code to test, then 200 says so and no run starts', async () => {
    const before = await runCount();
    for (const [event, payload] of [
      ['Merge Request Hook', gitlabMergeRequest('update')], // title edited: no oldrev
      ['Merge Request Hook', gitlabMergeRequest('merge')],
      ['Pipeline Hook', gitlabPipeline('running')],
      ['Push Hook', gitlabPush({ checkoutSha: null })], // branch deleted
      ['Issue Hook', { object_kind: 'issue', project: { path_with_namespace: 'virt/linux' } }],
    ] as const) {
      const r = await gitlab(event, payload);
      expect(r).toMatchObject({ status: 200, json: { runId: null, started: false, event } });
      expect(typeof r.json.reason).toBe('string');
    }
    expect(await runCount()).toBe(before);
  });

  test('When GitLab retries with the same Idempotency-Key (a new event UUID), or 6 copies arrive at once, then one run', async () => {
    const before = await runCount();
    const key = randomUUID();
    const first = await gitlab('Push Hook', gitlabPush(), { idempotencyKey: key });
    expect(first.status).toBe(202);
    expect((await storedRun(first.json.runId)).delivery?.deliveryId).toBe(key);
    const retry = await gitlab('Push Hook', gitlabPush(), { idempotencyKey: key });
    expect(retry).toMatchObject({ status: 200, json: { runId: first.json.runId, duplicate: true } });

    const uuid = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => gitlab('Merge Request Hook', gitlabMergeRequest('open'), { uuid })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.json.runId)).size).toBe(1);
    expect(await runCount()).toBe(before + 2);
  });

  test('When the GitLab token is wrong or missing, then 401 with a code and no run', async () => {
    const before = await runCount();
    expect(await gitlab('Push Hook', gitlabPush(), {}, 'gl-token-51c1')).toMatchObject({ status: 401, json: { error: { code: 'BAD_TOKEN' } } });
    expect(await gitlab('Push Hook', gitlabPush(), {}, 'short')).toMatchObject({ status: 401, json: { error: { code: 'BAD_TOKEN' } } });
    const { ['x-gitlab-token']: _dropped, ...headers } = gitlabHeaders(GITLAB_TOKEN, 'Push Hook');
    expect(await post('/webhooks/gitlab?matrix=small', JSON.stringify(gitlabPush()), headers)).toMatchObject({ status: 401, json: { error: { code: 'MISSING_TOKEN' } } });
    expect(await runCount()).toBe(before);
  });

  test('When GitHub and GitLab use the same delivery id, then they are different deliveries: two runs', async () => {
    const id = randomUUID();
    const fromGithub = await github('push', githubPush(), id);
    const fromGitlab = await gitlab('Push Hook', gitlabPush(), { uuid: id });
    expect([fromGithub.status, fromGitlab.status]).toEqual([202, 202]);
    expect(fromGithub.json.runId).not.toBe(fromGitlab.json.runId);
  });

  test('When one signed native request is replayed, also 5 times at once, then it starts one run; a new signature starts another', async () => {
    const before = await runCount();
    const body = JSON.stringify({ matrix: 'small', trigger: 'ci: replay' });
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(NATIVE_SECRET, ts, body), [TIMESTAMP_HEADER]: String(ts) };
    const first = await post('/webhooks/runs', body, headers);
    expect(first).toMatchObject({ status: 202, json: { duplicate: false } });
    const replays = await Promise.all(Array.from({ length: 5 }, () => post('/webhooks/runs', body, headers)));
    for (const r of replays) expect(r).toMatchObject({ status: 200, json: { runId: first.json.runId, duplicate: true } });
    expect(await runCount()).toBe(before + 1);
    expect((await storedRun(first.json.runId)).delivery).toMatchObject({ source: 'NATIVE', deliveryId: headers[SIGNATURE_HEADER], repository: null });

    const later = { ...headers, [SIGNATURE_HEADER]: sign(NATIVE_SECRET, ts + 1, body), [TIMESTAMP_HEADER]: String(ts + 1) };
    expect((await post('/webhooks/runs', body, later)).status).toBe(202);
    expect(await runCount()).toBe(before + 2);
  });

  test('When a run is started by GraphQL, then its trigger is as before and it has no delivery', async () => {
    const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
    const run = await storedRun(started.data!.startRun.id);
    expect(run).toMatchObject({ trigger: 'graphql', delivery: null });
  });
});

describe('CI webhooks without their secrets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  });
  afterAll(async () => server.dispose());

  test('When GITHUB_WEBHOOK_SECRET or GITLAB_WEBHOOK_TOKEN is not set, then 503 names it and no run starts', async () => {
    const body = JSON.stringify(githubPush());
    const gh = await fetch(`${server.url}/webhooks/github?matrix=small`, { method: 'POST', headers: githubHeaders('any', 'push', body), body });
    expect(gh.status).toBe(503);
    expect(await gh.json()).toMatchObject({ error: { code: 'WEBHOOKS_DISABLED', envVar: 'GITHUB_WEBHOOK_SECRET' } });
    const gl = await fetch(`${server.url}/webhooks/gitlab?matrix=small`, { method: 'POST', headers: gitlabHeaders('any', 'Push Hook'), body: JSON.stringify(gitlabPush()) });
    expect(gl.status).toBe(503);
    expect(await gl.json()).toMatchObject({ error: { code: 'WEBHOOKS_DISABLED', envVar: 'GITLAB_WEBHOOK_TOKEN' } });
    const runs = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
    expect(runs.data!.runs.totalCount).toBe(0);
  });
});

/** A probe installation with no guest kernels and no QEMU: probe runs can start, and skip every cell without booting. */
const TINY_PROBE = {
  name: 'tiny-net', archs: ['s390x'], transports: ['ccw'], devices: ['net'], modes: ['transitional', 'legacy'],
  hypervisors: ['qemu-7.2'], kernels: ['6.1'], strategies: ['pre-fix'], config: { mtu: [1280] },
};

describe.each<[string, Backend]>([['SQLite', 'sqlite'], ['PostgreSQL', 'postgresql']])('CI webhooks starting probe runs: %s', (_name, backend) => {
  let server: TestServer;
  let kernelId: string;
  let probeDir: string;
  const savedProbeDir = process.env.PROBE_DIR;

  beforeAll(async () => {
    probeDir = mkdtempSync(join(tmpdir(), 'virtio-matrix-no-qemu-'));
    writeFileSync(join(probeDir, 'versions.txt'), '');
    process.env.PROBE_DIR = probeDir;
    server = await startTestServer({ backend, webhookSecret: NATIVE_SECRET, githubWebhookSecret: GITHUB_SECRET, gitlabWebhookToken: GITLAB_TOKEN });
    expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: TINY_PROBE })).errors).toBeUndefined();
    const res = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=6.1.192&strategy=pre-fix`, { method: 'PUT', body: randomBytes(512), headers: server.auth });
    expect(res.status).toBe(201);
    kernelId = ((await res.json()) as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await server.probeQueue.idle();
    await server.dispose();
    if (savedProbeDir === undefined) delete process.env.PROBE_DIR;
    else process.env.PROBE_DIR = savedProbeDir;
    rmSync(probeDir, { recursive: true, force: true });
  });

  async function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }
  const githubProbe = (kernel: string, delivery: string, event = 'push', payload: unknown = githubPush()) => {
    const body = JSON.stringify(payload);
    return post(`/webhooks/github?matrix=tiny-net&kernel=${kernel}`, body, githubHeaders(GITHUB_SECRET, event, body, delivery));
  };

  async function probeRun(id: string) {
    await server.probeQueue.idle();
    const r = await server.gql<{ run: { kind: string; status: string; kernel: { id: string } | null; delivery: StoredDelivery | null; summary: { total: number; skipped: number } } }>(
      'query($id: ID!) { run(id: $id) { kind status kernel { id } delivery { source deliveryId event commit } summary { total skipped } } }', { id });
    expect(r.errors).toBeUndefined();
    return r.data!.run;
  }
  const runCount = async () => (await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }')).data!.runs.totalCount;

  test('When the probe setup is gone by the time GitHub redelivers, then the redelivery still answers with its first run, and a new delivery is refused', async () => {
    const delivery = randomUUID();
    const first = await githubProbe(kernelId, delivery);
    expect(first).toMatchObject({ status: 202, json: { started: true, kind: 'probe' } });
    const before = await runCount();
    process.env.PROBE_DIR = join(probeDir, 'nothing-installed-here');
    try {
      const again = await githubProbe(kernelId, delivery);
      expect(again).toMatchObject({ status: 200, json: { runId: first.json.runId, started: false, duplicate: true, kind: 'probe', kernel: kernelId } });
      const fresh = await githubProbe(kernelId, randomUUID());
      expect(fresh).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'probe' } } });
      expect(fresh.json.error.message).toMatch(/probe dependencies are not installed/);
      expect(await runCount()).toBe(before);
    } finally {
      process.env.PROBE_DIR = probeDir;
    }
    await probeRun(first.json.runId);
  });

  test('When GitHub delivers a push naming a kernel artifact, then a probe run of that kernel starts once: a redelivery answers with it', async () => {
    const delivery = randomUUID();
    const r = await githubProbe(kernelId, delivery);
    expect(r).toMatchObject({ status: 202, json: { started: true, kind: 'probe', kernel: kernelId, deliveryId: delivery } });
    const again = await githubProbe(kernelId, delivery);
    expect(again).toMatchObject({ status: 200, json: { runId: r.json.runId, duplicate: true, kind: 'probe' } });
    // Nothing here can boot s390x: the run ends with every cell skipped, none booted.
    expect(await probeRun(r.json.runId)).toEqual({
      kind: 'PROBE', status: 'SUCCEEDED', kernel: { id: kernelId }, summary: { total: 2, skipped: 2 },
      delivery: { source: 'GITHUB', deliveryId: delivery, event: 'push', commit: SHA_A },
    });
    // What the CI job polls says the same.
    const status = await fetch(`${server.url}/api/runs/${r.json.runId}`);
    expect(await status.json()).toMatchObject({ kind: 'probe', kernel: kernelId, status: 'succeeded', summary: { total: 2, skipped: 2, disagreements: 0, infrastructureFailures: 0 } });
  });

  test('When GitLab or the native webhook names a kernel artifact, then each starts a probe run with its delivery', async () => {
    const uuid = randomUUID();
    const gl = await post(`/webhooks/gitlab?matrix=tiny-net&kernel=${kernelId}`, JSON.stringify(gitlabPush()), gitlabHeaders(GITLAB_TOKEN, 'Push Hook', { uuid }));
    expect(gl).toMatchObject({ status: 202, json: { kind: 'probe', kernel: kernelId } });
    expect(await probeRun(gl.json.runId)).toMatchObject({ kind: 'PROBE', kernel: { id: kernelId }, delivery: { source: 'GITLAB', deliveryId: uuid } });

    const body = JSON.stringify({ matrix: 'tiny-net', trigger: 'ci: kernel build 17', probe: { kernel: kernelId } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(NATIVE_SECRET, ts, body), [TIMESTAMP_HEADER]: String(ts) };
    const native = await post('/webhooks/runs', body, headers);
    expect(native).toMatchObject({ status: 202, json: { kind: 'probe', kernel: kernelId, duplicate: false } });
    expect(await post('/webhooks/runs', body, headers)).toMatchObject({ status: 200, json: { runId: native.json.runId, duplicate: true } });
    expect(await probeRun(native.json.runId)).toMatchObject({ kind: 'PROBE', kernel: { id: kernelId }, delivery: { source: 'NATIVE' } });
  });

  test('When the kernel artifact is unknown or malformed, then a 4xx names the kernel, nothing is stored, and the delivery id stays free', async () => {
    const before = await runCount();
    const delivery = randomUUID();
    const unknown = '0'.repeat(64);
    expect(await githubProbe(unknown, delivery)).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'kernel' } } });
    // A ping already says the URL is wrong.
    expect(await githubProbe(unknown, randomUUID(), 'ping', githubPing())).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'kernel' } } });
    const body = JSON.stringify(githubPush());
    expect(await post('/webhooks/github?matrix=tiny-net&kernel=', body, githubHeaders(GITHUB_SECRET, 'push', body, delivery))).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'kernel' } } });
    expect(await post(`/webhooks/github?matrix=tiny-net&kernel=${kernelId}&kernel=${kernelId}`, body, githubHeaders(GITHUB_SECRET, 'push', body, delivery))).toMatchObject({ status: 400, json: { error: { field: 'kernel' } } });
    const gl = await post(`/webhooks/gitlab?matrix=tiny-net&kernel=${unknown}`, JSON.stringify(gitlabPush()), gitlabHeaders(GITLAB_TOKEN, 'Push Hook', { uuid: delivery }));
    expect(gl).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'kernel' } } });
    const nativeBody = JSON.stringify({ matrix: 'tiny-net', probe: { kernel: unknown } });
    const ts = Math.floor(Date.now() / 1000);
    const native = await post('/webhooks/runs', nativeBody, { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(NATIVE_SECRET, ts, nativeBody), [TIMESTAMP_HEADER]: String(ts) });
    expect(native).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND', field: 'kernel' } } });
    expect(await runCount()).toBe(before);
    expect((await githubProbe(kernelId, delivery)).status).toBe(202);
  });

  test('When the matrix applies a proposed change, then a ping naming a kernel is refused as the push would be (400, field matrix), and nothing is stored', async () => {
    const change = { id: 'le', title: 'LE config on modern', source: 'test', definition: { configByteOrder: 'modernInterface' } };
    expect((await server.gql('mutation($input: QemuChangeInput!) { createQemuChange(input: $input) { id } }', { input: change })).errors).toBeUndefined();
    const input = { ...TINY_PROBE, name: 'tiny-net-le', hypervisors: ['qemu-7.2+le'] };
    expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input })).errors).toBeUndefined();
    const before = await runCount();
    const ask = (event: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      return post(`/webhooks/github?matrix=tiny-net-le&kernel=${kernelId}`, body, githubHeaders(GITHUB_SECRET, event, body, randomUUID()));
    };
    for (const answer of [await ask('ping', githubPing()), await ask('push', githubPush())]) {
      expect(answer).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'matrix', message: expect.stringMatching(/proposed patches \(qemu-7.2\+le\)/) } } });
    }
    expect(await runCount()).toBe(before);
  });

  test('When no probe is installed, then a delivery naming a kernel is refused (400, field probe) and stores nothing', async () => {
    const before = await runCount();
    process.env.PROBE_DIR = join(probeDir, 'absent');
    try {
      const r = await githubProbe(kernelId, randomUUID());
      expect(r).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT', field: 'probe' } } });
      expect(r.json.error.message).toMatch(/probe dependencies are not installed/);
    } finally {
      process.env.PROBE_DIR = probeDir;
    }
    expect(await runCount()).toBe(before);
  });
});
