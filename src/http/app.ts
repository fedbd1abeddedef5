/**
 * The HTTP surface: /graphql (Apollo), /webhooks/runs (signed CI triggers), /webhooks/github and
 * /webhooks/gitlab (those products' own webhooks), /api/artifacts
 * (kernel images for probe runs), /api/runs/:id/cells/:position/console, /healthz, and the
 * dashboard (./dashboard: the bundle of web/ at /, /runs/…, /compare). Bodies are size-limited;
 * oversized, malformed or unsigned requests get a typed JSON error and change nothing. API tokens (Authorization: Bearer) gate /graphql per root field and
 * /api per method (./access); webhooks are signed instead.
 */
import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer } from '@apollo/server';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { identify } from '../auth/caller';
import type { Context, Services } from '../graphql/context';
import { createContext } from '../graphql/context';
import { startDeliveredRun } from '../runs/commands';
import type { EventLog } from '../runs/run-log';
import { apiAccess } from './access';
import { logWebhooks } from './webhook-log';
import { artifactRoutes } from './artifacts';
import { ciWebhookRoutes, type CiWebhookOptions } from './ci-webhooks';
import { dashboardRoutes } from './dashboard';
import { sendError, sendRunRefusal } from './errors';
import { consoleRoutes } from './probe-console';
import { BODY_LIMIT, requestProblem } from './request-problems';
import { runReports } from './run-reports';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, checkSignature } from './webhook-signature';

export interface AppOptions extends CiWebhookOptions {
  /** Shared secret for webhooks; without one, webhooks answer 503 WEBHOOKS_DISABLED. */
  webhookSecret?: string;
  now?: () => number;
  /** Internal errors only; refused requests are the client's and not logged as errors. */
  log?: (err: unknown) => void;
  /** Webhook deliveries accepted and refused, with the reason (./webhook-log). */
  events?: EventLog;
  /** The built dashboard (default: dist/web). */
  dashboardDir?: string;
}


const webhookBody = z.object({
  matrix: z.string().min(1),
  /** Free text recorded on the run, e.g. the CI system and commit. */
  trigger: z.string().max(200).optional(),
  /** A probe run booting this kernel artifact (PUT /api/artifacts), as startRun(matrix, probe: {kernel}). */
  probe: z.object({ kernel: z.string().min(1).max(200) }).strict().optional(),
}).strict();

export function createApp(services: Services, apollo: ApolloServer<Context>, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, profileHash: services.profileHash });
  });

  app.use(dashboardRoutes(options.dashboardDir));

  app.use('/api', apiAccess(services.tokens, services.access));
  app.use(artifactRoutes(services.artifacts));
  app.use(consoleRoutes(services.store));
  app.use('/api/runs', runReports(services));

  app.use('/graphql', express.json({ limit: BODY_LIMIT }), expressMiddleware(apollo, {
    context: async ({ req }) => createContext(services, await identify(services.tokens, req.header('authorization'))),
  }));

  if (options.events) app.use('/webhooks', logWebhooks(options.events));
  app.use(ciWebhookRoutes(services.runDeps, options));

  app.post('/webhooks/runs', express.raw({ type: '*/*', limit: BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!options.webhookSecret) return sendError(res, 503, 'WEBHOOKS_DISABLED', 'set WEBHOOK_SECRET to accept signed webhooks');
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const problem = checkSignature(options.webhookSecret, body, req.header(SIGNATURE_HEADER), req.header(TIMESTAMP_HEADER), now());
    if (problem) {
      return sendError(res, 401, problem, `sign the raw body: ${SIGNATURE_HEADER}: sha256=HMAC(secret, "<timestamp>.<body>") with ${TIMESTAMP_HEADER}: <unix seconds in decimal digits, within 5 minutes>`);
    }
    let payload: z.infer<typeof webhookBody>;
    try {
      const parsed = webhookBody.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return sendError(res, 400, 'BAD_USER_INPUT', issue.message, { field: issue.path.join('.') || '(body)' });
      }
      payload = parsed.data;
    } catch {
      return sendError(res, 400, 'INVALID_JSON', 'body is not JSON');
    }
    try {
      // The signature is the delivery id: one signed request, replayed, starts one run.
      const delivery = { source: 'native' as const, deliveryId: req.header(SIGNATURE_HEADER)!, event: 'run', repository: null, ref: null, commit: null };
      const { run, duplicate } = await startDeliveredRun(services.runDeps, payload.matrix, `webhook${payload.trigger ? `: ${payload.trigger}` : ''}`, delivery, payload.probe);
      res.status(duplicate ? 200 : 202).json({ runId: run.id, status: run.status, matrix: run.matrixName, kind: run.kind, kernel: run.kernelId ?? undefined, duplicate });
    } catch (err) {
      if (!sendRunRefusal(res, err)) throw err;
    }
  });

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const refused = requestProblem(err);
    if (refused) return sendError(res, refused.status, refused.code, refused.message);
    options.log?.(err);
    return sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
  };
  app.use(onError);
  return app;
}
