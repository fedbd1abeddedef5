/** A run's counts as the API reports them (GraphQL Run.summary and GET /api/runs/:id alike). */
import type { RunRecord } from './types';

export function runSummary(r: RunRecord) {
  return {
    // Probe runs: boots that failed count too, so the total is every position once.
    total: r.ok + r.degraded + r.broken + r.probeFailed + r.skipped + r.infraFailures + r.guestFailures,
    ok: r.ok, degraded: r.degraded, broken: r.broken, probeFailed: r.probeFailed, skipped: r.skipped,
    disagreements: r.kind === 'probe' ? r.disagreements : null,
    infrastructureFailures: r.infraFailures,
    guestFailures: r.guestFailures,
    skippedReasons: Object.entries(r.skipReasons).map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
  };
}
