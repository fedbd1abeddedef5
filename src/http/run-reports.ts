/**
 * Results back to CI, under /api/runs: a run's status as JSON, its failing cells (or regressions
 * against a baseline) as JSON, and the same as JUnit XML. Errors are JSON with a code.
 */
import { Router, type Request, type Response } from 'express';
import type { Services } from '../graphql/context';
import { BadInputError, NoBaselineError, NotFoundError, NothingSharedError, RunNotSucceededError } from '../runs/errors';
import { failureReport, parseBaseline, parseLimit, type FailureReport } from '../runs/failures';
import { runSummary } from '../runs/summary';
import type { RunRecord } from '../runs/types';
import { sendError } from './errors';
import { junitXml } from './junit';

export function runLinks(id: string) {
  const self = `/api/runs/${id}`;
  return { self, failures: `${self}/failures`, junit: `${self}/junit.xml`, graphql: '/graphql' };
}

export function runStatus(run: RunRecord) {
  return {
    id: run.id,
    matrix: run.matrixName,
    kind: run.kind,
    kernel: run.kernelId,
    status: run.status,
    finished: run.status !== 'queued' && run.status !== 'running',
    progress: run.cellsTotal === 0 ? 1 : run.cellsDone / run.cellsTotal,
    cellsDone: run.cellsDone,
    cellsTotal: run.cellsTotal,
    summary: runSummary(run),
    trigger: run.trigger,
    profileHash: run.profileHash,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    links: runLinks(run.id),
  };
}

function failuresJson(report: FailureReport) {
  return {
    run: report.run.id,
    matrix: report.run.matrixName,
    baseline: report.baseline?.id ?? null,
    criterion: report.criterion,
    passed: report.failing === 0,
    judged: report.judged,
    failing: report.failing,
    cells: report.cells,
    links: { ...runLinks(report.run.id), ...(report.baseline ? { baseline: `/api/runs/${report.baseline.id}` } : {}) },
  };
}

/** Domain errors → HTTP status and code; anything else goes on to the app's 500 handler. */
function sendDomainError(res: Response, err: unknown, runId: string): void {
  if (err instanceof NotFoundError) {
    sendError(res, 404, 'NOT_FOUND', err.message, { field: err.key === runId ? 'id' : 'baseline' });
  } else if (err instanceof BadInputError) {
    sendError(res, 400, 'BAD_USER_INPUT', err.message, { field: err.field });
  } else if (err instanceof RunNotSucceededError) {
    sendError(res, 409, err.code, err.message, { field: err.role === 'run' ? 'id' : 'baseline', status: err.status });
  } else if (err instanceof NoBaselineError) {
    sendError(res, 404, err.code, err.message, { field: 'baseline' });
  } else if (err instanceof NothingSharedError) {
    sendError(res, 409, err.code, err.message, { field: 'baseline' });
  } else {
    throw err;
  }
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}

export function runReports(services: Services): Router {
  const router = Router();
  const report = async (req: Request) => {
    const limit = parseLimit(query(req, 'limit'));
    return { limit, report: await failureReport(services.store, services.views, req.params.id as string, parseBaseline(query(req, 'baseline')), limit) };
  };

  router.get('/:id', async (req, res) => {
    const run = await services.store.getRun(req.params.id);
    if (!run) return sendError(res, 404, 'NOT_FOUND', `no run ${JSON.stringify(req.params.id)}`, { field: 'id' });
    res.set('cache-control', 'no-store').json(runStatus(run));
  });

  router.get('/:id/failures', async (req, res) => {
    try {
      res.json(failuresJson((await report(req)).report));
    } catch (err) {
      sendDomainError(res, err, req.params.id);
    }
  });

  router.get('/:id/junit.xml', async (req, res) => {
    try {
      const { report: r, limit } = await report(req);
      res.type('application/xml').send(junitXml(r, limit));
    } catch (err) {
      sendDomainError(res, err, req.params.id);
    }
  });

  return router;
}
