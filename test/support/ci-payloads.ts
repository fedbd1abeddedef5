/**
 * Webhook payloads shaped as GitHub and GitLab document them (trimmed to a realistic subset of
 * their fields, including many the service does not read), and the headers each product sends.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const SHA_A = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
export const SHA_B = '0d1d9f2c8b3e4a5f6071829304a5b6c7d8e9f0a1';
export const SHA_C = 'a10b2c3d4e5f60718293a4b5c6d7e8f901234567';

const githubRepository = {
  id: 186853002, node_id: 'MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=', name: 'linux', full_name: 'acme/linux', private: false,
  owner: { login: 'acme', id: 21031067, type: 'Organization' }, html_url: 'https://github.com/acme/linux',
  default_branch: 'main', pushed_at: 1764480000,
};
const sender = { login: 'octocat', id: 583231, type: 'User' };

export function githubPush(over: { ref?: string; after?: string; deleted?: boolean } = {}) {
  const after = over.after ?? SHA_A;
  const commit = {
    id: after, tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433', distinct: true, message: 'virtio_blk: write back VERSION_1 before validate',
    timestamp: '2026-11-30T05:40:11+00:00', url: `https://github.com/acme/linux/commit/${after}`,
    author: { name: 'Octo Cat', email: 'octocat@github.com', username: 'octocat' }, committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
    added: [], removed: [], modified: ['drivers/block/virtio_blk.c'],
  };
  return {
    ref: over.ref ?? 'refs/heads/main', before: SHA_C, after, repository: githubRepository,
    pusher: { name: 'octocat', email: 'octocat@github.com' }, sender, created: false, deleted: over.deleted ?? false, forced: false,
    base_ref: null, compare: `https://github.com/acme/linux/compare/${SHA_C.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: over.deleted ? [] : [commit], head_commit: over.deleted ? null : commit,
  };
}

export function githubPullRequest(action: string, number = 42, sha = SHA_B) {
  return {
    action, number, before: SHA_C, after: sha,
    pull_request: {
      url: `https://api.github.com/repos/acme/linux/pulls/${number}`, id: 1764480042, number, state: 'open', locked: false,
      title: 'virtio-net: keep MTU when VERSION_1 is negotiated late', user: sender, draft: false,
      head: { label: 'acme:virtio-net-mtu', ref: 'virtio-net-mtu', sha, user: sender, repo: githubRepository },
      base: { label: 'acme:main', ref: 'main', sha: SHA_C, user: sender, repo: githubRepository },
    },
    repository: githubRepository, sender,
  };
}

export function githubWorkflowRun(action: string) {
  return {
    action,
    workflow_run: {
      id: 30433642, name: 'Build kernels', head_branch: 'main', head_sha: SHA_C, run_number: 562, event: 'push',
      status: action === 'completed' ? 'completed' : 'in_progress', conclusion: action === 'completed' ? 'success' : null,
      workflow_id: 159038, html_url: 'https://github.com/acme/linux/actions/runs/30433642',
    },
    workflow: { id: 159038, name: 'Build kernels', path: '.github/workflows/build.yml' },
    repository: githubRepository, sender,
  };
}

export function githubRelease(action: string) {
  return {
    action,
    release: { id: 1, tag_name: 'v6.13-rc1', target_commitish: 'main', name: 'v6.13-rc1', draft: false, prerelease: true, author: sender },
    repository: githubRepository, sender,
  };
}

export function githubPing() {
  return { zen: 'Keep it logically awesome.', hook_id: 109948940, hook: { type: 'Repository', id: 109948940, events: ['push', 'pull_request'], active: true }, repository: githubRepository, sender };
}

export function githubIssue() {
  return { action: 'opened', issue: { number: 7, title: 'blk_size wrong on s390x', state: 'open', user: sender }, repository: githubRepository, sender };
}

export function githubHeaders(secret: string, event: string, body: string, delivery: string = randomUUID()): Record<string, string> {
  return {
    'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/a1b2c3d', 'x-github-event': event, 'x-github-delivery': delivery,
    'x-github-hook-id': '109948940', 'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex'),
  };
}

const gitlabProject = {
  id: 15, name: 'linux', description: 'virtio fixes', web_url: 'https://gitlab.example.com/virt/linux', namespace: 'virt',
  path_with_namespace: 'virt/linux', default_branch: 'main', git_http_url: 'https://gitlab.example.com/virt/linux.git',
};
const gitlabUser = { id: 1, name: 'Ada Admin', username: 'ada', email: 'ada@example.com' };

export function gitlabPush(over: { ref?: string; checkoutSha?: string | null } = {}) {
  const sha = over.checkoutSha === undefined ? SHA_A : over.checkoutSha;
  return {
    object_kind: 'push', event_name: 'push', before: SHA_C, after: sha ?? '0000000000000000000000000000000000000000', ref: over.ref ?? 'refs/heads/main',
    ref_protected: true, checkout_sha: sha, user_id: 1, user_name: 'Ada Admin', user_username: 'ada', project_id: 15, project: gitlabProject,
    commits: sha ? [{ id: sha, message: 'virtio_blk: write back VERSION_1 before validate', timestamp: '2026-11-30T05:40:11+00:00', url: `https://gitlab.example.com/virt/linux/-/commit/${sha}`, author: { name: 'Ada Admin', email: 'ada@example.com' }, added: [], modified: ['drivers/block/virtio_blk.c'], removed: [] }] : [],
    total_commits_count: sha ? 1 : 0, repository: { name: 'linux', url: 'git@gitlab.example.com:virt/linux.git', homepage: 'https://gitlab.example.com/virt/linux' },
  };
}

export function gitlabMergeRequest(action: string, over: { oldrev?: string } = {}) {
  return {
    object_kind: 'merge_request', event_type: 'merge_request', user: gitlabUser, project: gitlabProject,
    object_attributes: {
      id: 99, iid: 7, target_branch: 'main', source_branch: 'virtio-net-mtu', source_project_id: 15, target_project_id: 15, state: 'opened',
      title: 'virtio-net: keep MTU when VERSION_1 is negotiated late', action, ...(over.oldrev ? { oldrev: over.oldrev } : {}),
      last_commit: { id: SHA_B, message: 'virtio-net: keep MTU', timestamp: '2026-11-30T05:41:00+00:00', url: `https://gitlab.example.com/virt/linux/-/commit/${SHA_B}`, author: { name: 'Ada Admin', email: 'ada@example.com' } },
      url: 'https://gitlab.example.com/virt/linux/-/merge_requests/7',
    },
    labels: [], changes: {}, repository: { name: 'linux', url: 'git@gitlab.example.com:virt/linux.git' },
  };
}

export function gitlabPipeline(status: string) {
  return {
    object_kind: 'pipeline',
    object_attributes: { id: 31, iid: 3, name: 'Build kernels', ref: 'main', tag: false, sha: SHA_C, before_sha: SHA_A, source: 'push', status, stages: ['build', 'test'], created_at: '2026-11-30 05:42:00 UTC', finished_at: null, duration: null },
    user: gitlabUser, project: gitlabProject, commit: { id: SHA_C, message: 'Merge branch virtio-net-mtu', url: `https://gitlab.example.com/virt/linux/-/commit/${SHA_C}` },
    builds: [],
  };
}

export function gitlabHeaders(token: string, event: string, ids: { uuid?: string; idempotencyKey?: string } = {}): Record<string, string> {
  return {
    'content-type': 'application/json', 'user-agent': 'GitLab/17.6.0', 'x-gitlab-event': event, 'x-gitlab-token': token,
    'x-gitlab-instance': 'https://gitlab.example.com', 'x-gitlab-webhook-uuid': '2a4f8a1e-7c5b-4e0d-9f6a-3b2c1d0e9f8a',
    'x-gitlab-event-uuid': ids.uuid ?? randomUUID(), ...(ids.idempotencyKey ? { 'idempotency-key': ids.idempotencyKey } : {}),
  };
}
