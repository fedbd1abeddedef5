/**
 * What a GitHub or GitLab webhook event means for us: start a run (and what it is about), answer
 * a ping, or acknowledge an event that starts nothing. Pure: payload in, decision out. Payloads
 * are checked only for the fields read here, shaped as the two products document them.
 */
import { z } from 'zod';

/** What a run's delivery is about. */
export interface EventSubject {
  repository: string | null;
  ref: string | null;
  commit: string | null;
  /** Free text for Run.trigger, e.g. `github push: acme/linux refs/heads/main 6113728f27ae`. */
  summary: string;
}

export type EventDecision =
  | { kind: 'run'; subject: EventSubject }
  | { kind: 'ping' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; field: string; message: string };

const text = z.string().min(1).max(1000);
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-digit lowercase hex commit id');

function subject(source: string, event: string, repository: string, ref: string | null, commit: string | null, extra = ''): EventSubject {
  const summary = [`${source} ${event}${extra}:`, repository, ref, commit?.slice(0, 12)].filter(Boolean).join(' ');
  return { repository, ref, commit, summary: summary.slice(0, 200) };
}

function invalid(event: string, error: z.ZodError): EventDecision {
  const issue = error.issues[0];
  const field = issue.path.join('.') || '(body)';
  return { kind: 'invalid', field, message: `${event} payload: ${field}: ${issue.message}` };
}

const githubRepository = z.object({ full_name: text });

const githubPush = z.object({
  ref: text,
  after: z.string(),
  deleted: z.boolean().optional(),
  head_commit: z.object({ id: sha }).nullable().optional(),
  repository: githubRepository,
});

/** GitHub Actions' default activity types for pull_request: a new head commit to test. */
const PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
const githubPullRequest = z.object({
  action: text,
  number: z.number().int(),
  pull_request: z.object({ head: z.object({ ref: text, sha }) }),
  repository: githubRepository,
});

const githubWorkflowRun = z.object({
  action: text,
  workflow_run: z.object({ name: z.string().nullable().optional(), head_branch: z.string().nullable(), head_sha: sha, conclusion: z.string().nullable().optional() }),
  repository: githubRepository,
});

const githubRelease = z.object({
  action: text,
  release: z.object({ tag_name: text, target_commitish: z.string().nullable().optional() }),
  repository: githubRepository,
});

export const GITHUB_RUN_EVENTS = ['push', 'pull_request', 'workflow_run', 'release'] as const;

/** `event` is X-GitHub-Event. */
export function githubDecision(event: string, payload: unknown): EventDecision {
  switch (event) {
    case 'ping':
      return { kind: 'ping' };
    case 'push': {
      const p = githubPush.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      if (p.data.deleted || /^0{40}$/.test(p.data.after)) return { kind: 'ignored', reason: `push deleted ${p.data.ref}: nothing to test` };
      const commit = p.data.head_commit?.id ?? p.data.after;
      return { kind: 'run', subject: subject('github', event, p.data.repository.full_name, p.data.ref, commit) };
    }
    case 'pull_request': {
      const p = githubPullRequest.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      if (!PR_ACTIONS.has(p.data.action)) return { kind: 'ignored', reason: `pull_request ${p.data.action}: runs start when a pull request is opened, reopened or gets new commits (synchronize)` };
      const { head } = p.data.pull_request;
      return { kind: 'run', subject: subject('github', event, p.data.repository.full_name, head.ref, head.sha, ` #${p.data.number} ${p.data.action}`) };
    }
    case 'workflow_run': {
      const p = githubWorkflowRun.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      const run = p.data.workflow_run;
      if (p.data.action !== 'completed') return { kind: 'ignored', reason: `workflow_run ${p.data.action}: runs start when a workflow run is completed` };
      const ref = run.head_branch ? `refs/heads/${run.head_branch}` : null;
      return { kind: 'run', subject: subject('github', event, p.data.repository.full_name, ref, run.head_sha, run.name ? ` "${run.name}" ${run.conclusion ?? ''}`.trimEnd() : '') };
    }
    case 'release': {
      const p = githubRelease.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      if (p.data.action !== 'published') return { kind: 'ignored', reason: `release ${p.data.action}: runs start when a release is published` };
      const target = p.data.release.target_commitish ?? '';
      // target_commitish is a branch name unless the release was made from a commit.
      const commit = /^[0-9a-f]{40}$/.test(target) ? target : null;
      return { kind: 'run', subject: subject('github', event, p.data.repository.full_name, `refs/tags/${p.data.release.tag_name}`, commit) };
    }
    default:
      return { kind: 'ignored', reason: `${event} events start no run; ${GITHUB_RUN_EVENTS.join(', ')} do` };
  }
}

const gitlabProject = z.object({ path_with_namespace: text });

const gitlabPush = z.object({
  ref: text,
  /** null when the push deleted the branch or tag. */
  checkout_sha: sha.nullable(),
  project: gitlabProject,
});

/** A merge request with a new head to test: opened, reopened, or updated with new commits (oldrev set). */
const gitlabMergeRequest = z.object({
  object_attributes: z.object({
    iid: z.number().int(),
    action: z.string().optional(),
    source_branch: text,
    last_commit: z.object({ id: sha }),
    oldrev: z.string().optional(),
  }),
  project: gitlabProject,
});

const PIPELINE_FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);
const gitlabPipeline = z.object({
  object_attributes: z.object({ id: z.number().int(), ref: text, tag: z.boolean().optional(), sha, status: text }),
  project: gitlabProject,
});

export const GITLAB_RUN_EVENTS = ['Push Hook', 'Tag Push Hook', 'Merge Request Hook', 'Pipeline Hook'] as const;

/** `event` is X-Gitlab-Event. */
export function gitlabDecision(event: string, payload: unknown): EventDecision {
  switch (event) {
    case 'Push Hook':
    case 'Tag Push Hook': {
      const p = gitlabPush.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      if (p.data.checkout_sha === null) return { kind: 'ignored', reason: `${event} deleted ${p.data.ref}: nothing to test` };
      const name = event === 'Push Hook' ? 'push' : 'tag push';
      return { kind: 'run', subject: subject('gitlab', name, p.data.project.path_with_namespace, p.data.ref, p.data.checkout_sha) };
    }
    case 'Merge Request Hook': {
      const p = gitlabMergeRequest.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      const mr = p.data.object_attributes;
      const newHead = mr.action === 'open' || mr.action === 'reopen' || (mr.action === 'update' && mr.oldrev !== undefined);
      if (!newHead) return { kind: 'ignored', reason: `merge request ${mr.action ?? '(no action)'}: runs start when a merge request is opened, reopened or updated with new commits` };
      return { kind: 'run', subject: subject('gitlab', 'merge request', p.data.project.path_with_namespace, mr.source_branch, mr.last_commit.id, ` !${mr.iid} ${mr.action}`) };
    }
    case 'Pipeline Hook': {
      const p = gitlabPipeline.safeParse(payload);
      if (!p.success) return invalid(event, p.error);
      const pipeline = p.data.object_attributes;
      if (!PIPELINE_FINISHED.has(pipeline.status)) return { kind: 'ignored', reason: `pipeline ${pipeline.status}: runs start when a pipeline finishes (${[...PIPELINE_FINISHED].join(', ')})` };
      const ref = `refs/${pipeline.tag ? 'tags' : 'heads'}/${pipeline.ref}`;
      return { kind: 'run', subject: subject('gitlab', 'pipeline', p.data.project.path_with_namespace, ref, pipeline.sha, ` ${pipeline.id} ${pipeline.status}`) };
    }
    default:
      return { kind: 'ignored', reason: `${event} events start no run; ${GITLAB_RUN_EVENTS.join(', ')} do` };
  }
}
