/**
 * One log line per webhook delivery once it is answered: `webhook accepted` (run started, a
 * duplicate, a ping or an event that starts nothing, with why) or `webhook refused` with the
 * error code and message the sender got. Watching the answer covers every refusal, including the
 * body limit and a missing secret, without a log call beside each.
 */
import type { NextFunction, Request, Response } from 'express';
import type { EventLog } from '../runs/run-log';

interface Answer {
  runId?: string | null; started?: boolean; duplicate?: boolean; reason?: string; matrix?: string; event?: string; deliveryId?: string;
  error?: { code?: string; message?: string };
}

export function logWebhooks(log: EventLog) {
  return (req: Request, res: Response, next: NextFunction) => {
    let answer: Answer = {};
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (body && typeof body === 'object') answer = body as Answer;
      return json(body);
    };
    res.on('finish', () => {
      const fields = {
        webhook: req.baseUrl + req.path, status: res.statusCode,
        event: answer.event ?? req.header('x-github-event') ?? req.header('x-gitlab-event') ?? undefined,
        delivery: answer.deliveryId ?? req.header('x-github-delivery') ?? req.header('idempotency-key') ?? req.header('x-gitlab-event-uuid') ?? undefined,
        matrix: answer.matrix ?? (typeof req.query.matrix === 'string' ? req.query.matrix : undefined),
      };
      if (res.statusCode < 400) {
        log.info({ ...fields, runId: answer.runId ?? null, started: answer.started ?? res.statusCode === 202, duplicate: answer.duplicate ?? false, reason: answer.reason }, 'webhook accepted');
      } else {
        log.warn({ ...fields, code: answer.error?.code, reason: answer.error?.message }, 'webhook refused');
      }
    });
    next();
  };
}
