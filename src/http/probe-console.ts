/** `GET /api/runs/:id/cells/:position/console`: the console of a probe run's boot, as text. */
import { Router, type Request, type Response } from 'express';
import type { ProbeRunStore } from '../runs/probe/types';
import { sendError } from './errors';

export function consoleRoutes(store: Pick<ProbeRunStore, 'consoleOf'>): Router {
  const router = Router();
  router.get('/api/runs/:id/cells/:position/console', async (req: Request<{ id: string; position: string }>, res: Response) => {
    const position = /^\d{1,15}$/.test(req.params.position) ? Number(req.params.position) : NaN;
    const text = Number.isNaN(position) ? null : await store.consoleOf(req.params.id, position);
    if (text === null) return sendError(res, 404, 'NOT_FOUND', `run ${req.params.id} has no boot console at position ${req.params.position} (only booted cells of probe runs have one)`);
    res.type('text/plain; charset=utf-8').send(text);
  });
  return router;
}
