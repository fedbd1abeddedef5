/**
 * What a CI gate acts on: the failing cells of a succeeded run (BROKEN or PROBE_FAILED), or, given
 * a baseline run, its regressions against it (compareRuns' REGRESSION pairs). The first `limit`
 * cells are named by their combination, the rest only counted.
 */
import { VERDICTS, configKey, type Combination, type Verdict } from '../engine';
import { BadInputError, NoBaselineError, NotFoundError, NothingSharedError, RunNotSucceededError } from './errors';
import type { RunRecord, RunStore } from './types';
import type { RunViews } from './views';

/** What a report looks runs up by. */
export type RunFinder = Pick<RunStore, 'getRun' | 'latestSucceededBefore'>;

/** No baseline, a run id, or `last`: the newest succeeded run of the same matrix before this one. */
export type Baseline = null | 'last' | { id: string };

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;
const FAILING: readonly Verdict[] = ['BROKEN', 'PROBE_FAILED'];

export interface FailingCell {
  /** arch/transport/device/mode/backend/hypervisor/kernel/strategy/config, config `-` when the device has none. */
  name: string;
  combination: Combination;
  verdict: Verdict;
  /** With a baseline: the same cell's verdict in the baseline run. */
  baselineVerdict?: Verdict;
}

export interface FailureReport {
  run: RunRecord;
  baseline: RunRecord | null;
  /** `verdict`: cells BROKEN or PROBE_FAILED; `regression`: cells worse than in the baseline. */
  criterion: 'verdict' | 'regression';
  /** Cells judged: evaluated ones, or with a baseline the ones both runs evaluated. */
  judged: number;
  /** Failing cells in all; `cells` holds the first `limit` of them in position order. */
  failing: number;
  cells: FailingCell[];
}

export function cellName(c: Combination): string {
  return [c.arch, c.transport, c.device, c.mode, c.backend, c.hypervisor, c.kernel, c.strategy, configKey(c.config ?? {}) || '-'].join('/');
}

/** `?baseline=` as users write it: absent, `last`, or a run id. */
export function parseBaseline(text: string | undefined): Baseline {
  if (text === undefined || text === '') return null;
  if (text === 'last') return 'last';
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new BadInputError('baseline', `"${text}" is neither a run id nor "last"`);
  return { id: text };
}

export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_LIMIT;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n > MAX_LIMIT) throw new BadInputError('limit', `must be an integer from 0 to ${MAX_LIMIT}`);
  return n;
}

function succeeded(role: 'run' | 'baseline', run: RunRecord): RunRecord {
  if (run.status !== 'succeeded') throw new RunNotSucceededError(role, run.id, run.status);
  return run;
}

async function resolveBaseline(finder: RunFinder, run: RunRecord, baseline: Baseline): Promise<RunRecord | null> {
  if (baseline === null) return null;
  if (baseline === 'last') {
    const last = await finder.latestSucceededBefore(run.matrixId, run.id);
    if (!last) throw new NoBaselineError(run.id, run.matrixName);
    return last;
  }
  const found = await finder.getRun(baseline.id);
  if (!found) throw new NotFoundError('run', baseline.id);
  return succeeded('baseline', found);
}

export async function failureReport(finder: RunFinder, views: RunViews, runId: string, baseline: Baseline, limit: number): Promise<FailureReport> {
  const found = await finder.getRun(runId);
  if (!found) throw new NotFoundError('run', runId);
  const run = succeeded('run', found);
  const base = await resolveBaseline(finder, run, baseline);

  if (base === null) {
    const page = await views.cells(run.id, { verdict: FAILING }, limit, -1);
    const cells = page.positions.map((p) => {
      const combination = page.view.plan.combinationAt(p);
      return { name: cellName(combination), combination, verdict: VERDICTS[page.view.grid[p]] };
    });
    return { run, baseline: null, criterion: 'verdict', judged: run.ok + run.degraded + run.broken + run.probeFailed, failing: run.broken + run.probeFailed, cells };
  }

  const judged = await views.sharedCells(base.id, run.id);
  if (judged === 0) throw new NothingSharedError(run.id, base.id);
  const cmp = await views.compare(base.id, run.id, ['REGRESSION'], limit, -1);
  const cells = cmp.pairs.map((pair) => {
    const combination = cmp.head.plan.combinationAt(pair.head);
    return { name: cellName(combination), combination, verdict: VERDICTS[cmp.head.grid[pair.head]], baselineVerdict: VERDICTS[cmp.base.grid[pair.base]] };
  });
  return { run, baseline: base, criterion: 'regression', judged, failing: cmp.totals.REGRESSION, cells };
}
