/**
 * Webhooks as GitHub and GitLab send them: `POST /webhooks/github?matrix=NAME` (X-Hub-Signature-256
 * with GITHUB_WEBHOOK_SECRET) and `POST /webhooks/gitlab?matrix=NAME` (X-Gitlab-Token equal to
 * GITLAB_WEBHOOK_TOKEN). An event about new code starts a run of the matrix (`&kernel=ID`: a probe
 * run booting that uploaded kernel artifact); the delivery id is
 * stored once per source, so a redelivery answers with the first run and starts nothing. Every
 * refusal (no secret configured, bad signature, unknown matrix, oversized or malformed body) is a
 * typed JSON error and stores nothing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { probeRunKernel, startDeliveredRun, type RunDeps } from '../runs/commands';
import type { DeliverySource, RunRecord } from '../runs/types';
import { githubDecision, gitlabDecision, type EventDecision } from './ci-events';
import { sendError, sendRunRefusal } from './errors';
import { requestProblem } from './request-problems';

/** GitHub caps payloads at 25 MB; pushes with many commits pass 256 KiB, so these bodies may be larger than the API's. */
export const CI_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export interface CiWebhookOptions {
  /** GITHUB_WEBHOOK_SECRET; without it /webhooks/github answers 503. */
  githubSecret?: string;
  /** GITLAB_WEBHOOK_TOKEN; without it /webhooks/gitlab answers 503. */
  gitlabToken?: string;
}

/** How one CI product authenticates, names its events and its deliveries. */
interface Source {
  name: DeliverySource;
  path: string;
  envVar: string;
  secret: string | undefined;
  /** An error code and message when the request is not from the holder of the secret. */
  authenticate(secret: string, body: Buffer, req: Request): { code: string; message: string } | null;
  eventHeader: string;
  deliveryId(req: Request): string | undefined;
  deliveryHeaders: string;
  decide(event: string, payload: unknown): EventDecision;
  /** GitHub can send the payload form-encoded (`payload=...`) instead of as JSON. */
  formEncoded: boolean;
}

/** Equal strings in time that does not depend on where they differ (nor, hashed first, on their lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function github(secret: string | undefined): Source {
  return {
    name: 'github', path: '/webhooks/github', envVar: 'GITHUB_WEBHOOK_SECRET', secret,
    authenticate(key, body, req) {
      const given = req.header('x-hub-signature-256');
      if (!given) return { code: 'MISSING_SIGNATURE', message: 'X-Hub-Signature-256 is missing: set the webhook\'s secret in GitHub to GITHUB_WEBHOOK_SECRET' };
      const expected = 'sha256=' + createHmac('sha256', key).update(body).digest('hex');
      return sameSecret(given, expected) ? null : { code: 'BAD_SIGNATURE', message: 'X-Hub-Signature-256 does not match the body: the webhook\'s secret in GitHub must equal GITHUB_WEBHOOK_SECRET' };
    },
    eventHeader: 'x-github-event',
    deliveryId: (req) => req.header('x-github-delivery'),
    deliveryHeaders: 'X-GitHub-Delivery',
    decide: githubDecision,
    formEncoded: true,
  };
}

function gitlab(token: string | undefined): Source {
  return {
    name: 'gitlab', path: '/webhooks/gitlab', envVar: 'GITLAB_WEBHOOK_TOKEN', secret: token,
    authenticate(key, _body, req) {
      const given = req.header('x-gitlab-token');
      if (!given) return { code: 'MISSING_TOKEN', message: 'X-Gitlab-Token is missing: set the webhook\'s secret token in GitLab to GITLAB_WEBHOOK_TOKEN' };
      return sameSecret(given, key) ? null : { code: 'BAD_TOKEN', message: 'X-Gitlab-Token is wrong: the webhook\'s secret token in GitLab must equal GITLAB_WEBHOOK_TOKEN' };
    },
    eventHeader: 'x-gitlab-event',
    // Idempotency-Key stays the same across GitLab's retries of one event; older GitLab sends only the event UUID.
    deliveryId: (req) => req.header('idempotency-key') || req.header('x-gitlab-event-uuid'),
    deliveryHeaders: 'Idempotency-Key or X-Gitlab-Event-UUID',
    decide: gitlabDecision,
    formEncoded: false,
  };
}

/** A delivery id is an opaque token of the sender's; anything longer or stranger is not one. */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

function parsePayload(source: Source, req: Request, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (source.formEncoded && req.is('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new SyntaxError('no payload field');
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

function route(source: Source, deps: RunDeps): express.RequestHandler[] {
  // Before the body is read: without a secret nothing can be verified.
  const configured = (_req: Request, res: Response, next: NextFunction) => {
    if (!source.secret) return sendError(res, 503, 'WEBHOOKS_DISABLED', `set ${source.envVar} on the server to accept ${source.name} webhooks`, { envVar: source.envVar });
    next();
  };
  const handle = async (req: Request, res: Response) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const refused = source.authenticate(source.secret!, body, req);
    if (refused) return sendError(res, 401, refused.code, refused.message);

    const matrixName = req.query.matrix;
    if (typeof matrixName !== 'string' || matrixName === '') {
      return sendError(res, 400, 'BAD_USER_INPUT', `name the matrix to run in the webhook URL: ${source.path}?matrix=NAME`, { field: 'matrix' });
    }
    const kernel = req.query.kernel;
    if (kernel !== undefined && (typeof kernel !== 'string' || kernel === '')) {
      return sendError(res, 400, 'BAD_USER_INPUT', `name one kernel artifact (its id from PUT /api/artifacts) for a probe run: ${source.path}?matrix=NAME&kernel=ID`, { field: 'kernel' });
    }
    const event = req.header(source.eventHeader);
    if (!event) return sendError(res, 400, 'BAD_USER_INPUT', `${source.eventHeader} is missing`, { field: source.eventHeader });
    const deliveryId = source.deliveryId(req);
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      return sendError(res, 400, 'BAD_USER_INPUT', `${source.deliveryHeaders} must name the delivery (1 to 200 printable characters)`, { field: 'delivery' });
    }
    let payload: unknown;
    try {
      payload = parsePayload(source, req, body);
    } catch {
      return sendError(res, 400, 'INVALID_JSON', 'body is not JSON');
    }
    const probe = kernel === undefined ? undefined : { kernel };
    const ack = { runId: null, started: false, duplicate: false, source: source.name, event, deliveryId, matrix: matrixName, kind: probe ? 'probe' : 'engine', ...(probe && { kernel: probe.kernel }) };
    // A redelivery gets its first run whatever changed since (the matrix, the kernel, the probe setup).
    const earlier = await deps.store.runOfDelivery(source.name, deliveryId);
    if (earlier) return answerDuplicate(res, ack, earlier);
    // Checked for every event, so a ping already tells whoever sets the webhook up that the URL is wrong.
    const matrix = await deps.matrixByName(matrixName);
    if (!matrix) return sendError(res, 404, 'NOT_FOUND', `no matrix named "${matrixName}"`, { field: 'matrix' });
    if (probe) {
      try {
        await probeRunKernel(deps, matrix, probe.kernel);
      } catch (err) {
        if (sendRunRefusal(res, err)) return;
        throw err;
      }
    }

    const decision = source.decide(event, payload);
    switch (decision.kind) {
      case 'invalid':
        return sendError(res, 400, 'BAD_USER_INPUT', decision.message, { field: decision.field });
      case 'ping':
        return res.status(200).json({ ...ack, reason: `ping: this webhook reaches virtio-matrix and matrix "${matrixName}" exists` });
      case 'ignored':
        return res.status(200).json({ ...ack, reason: decision.reason });
    }
    const { repository, ref, commit, summary } = decision.subject;
    try {
      const { run, duplicate } = await startDeliveredRun(deps, matrixName, summary, { source: source.name, deliveryId, event, repository, ref, commit }, probe);
      if (duplicate) return answerDuplicate(res, ack, run);
      res.status(202).json({ ...ack, runId: run.id, started: true, status: run.status, kind: run.kind, kernel: run.kernelId ?? undefined, trigger: { repository, ref, commit } });
    } catch (err) {
      if (!sendRunRefusal(res, err)) throw err;
    }
  };
  return [configured, express.raw({ type: () => true, limit: CI_BODY_LIMIT_BYTES }), handle];
}

/** Body-size refusals name this router's limit, not the API's. */
const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
  const problem = requestProblem(err);
  if (problem?.code === 'PAYLOAD_TOO_LARGE') return sendError(res, 413, problem.code, `webhook bodies are limited to ${CI_BODY_LIMIT_BYTES / 1024 / 1024} MiB`);
  next(err);
};

/** 200 with the run a delivery id started before: about what the first delivery said (Run.delivery), not necessarily this body. */
function answerDuplicate(res: Response, ack: Record<string, unknown>, run: RunRecord): void {
  res.status(200).json({
    ...ack, runId: run.id, started: false, duplicate: true, status: run.status, kind: run.kind, kernel: run.kernelId ?? undefined,
    reason: `delivery ${String(ack.deliveryId)} was received before: it started run ${run.id}`,
  });
}

export function ciWebhookRoutes(deps: RunDeps, options: CiWebhookOptions): express.Router {
  const router = express.Router();
  for (const source of [github(options.githubSecret), gitlab(options.gitlabToken)]) router.post(source.path, ...route(source, deps), tooLarge);
  return router;
}
