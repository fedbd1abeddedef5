/**
 * Probe runs in the store: runs of kind probe (no shards: cells are booted one by one), a
 * ProbeResult per booted cell with its console gzip-compressed, and a Result row with the
 * observed verdict and negotiated bits, so the grid, cells, diff, compareRuns and the heatmap
 * read a probe run as they read an engine run.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { VERDICTS } from '../engine';
import type { CellBoot } from '../probe/boot-cell';
import type { Observation } from '../probe/compare';
import type { ProbeRunStore, StoredProbeResult } from '../runs/probe/types';
import type { MatrixRecord } from '../matrices/types';
import { COUNT_KEYS, type RunRecord } from '../runs/types';
import { SELECT_RUN, SqlRunStore, runKey, toRecord } from './runs';

const UNFINISHED = ['queued', 'running'];

/** Feature bits as the Result row's two signed 32-bit words. */
function words(bits: readonly number[]): { lo: number; hi: number } {
  let lo = 0;
  let hi = 0;
  for (const bit of bits) {
    if (bit < 32) lo |= 1 << bit;
    else hi |= 1 << (bit - 32);
  }
  return { lo: lo | 0, hi: hi | 0 };
}

/** Thrown inside a transaction to roll it back when the run has finished meanwhile. */
class RunFinished extends Error {}
/** Thrown inside a transaction to roll back the counters when the cell is stored already. */
class AlreadyStored extends Error {}

export class SqlProbeRunStore extends SqlRunStore implements ProbeRunStore {
  async createProbeRun(matrix: MatrixRecord, trigger: string, kernelId: string): Promise<RunRecord> {
    const row = await this.db.prisma.run.create({
      data: {
        matrixId: matrix.id, kind: 'probe', kernelId, status: 'queued', trigger, profileHash: this.db.profileHash,
        spec: JSON.stringify(matrix.spec), cellsTotal: matrix.positions,
      },
      ...SELECT_RUN,
    });
    return toRecord(row);
  }

  async recordSkips(runId: string, reasons: Record<string, number>): Promise<void> {
    const id = Number(runId);
    const skipped = Object.values(reasons).reduce((a, b) => a + b, 0);
    const probed = await this.db.prisma.probeResult.count({ where: { runId: id } });
    await this.db.prisma.run.updateMany({
      where: { id, status: { in: UNFINISHED } },
      data: { skipped, skipReasons: JSON.stringify(reasons), cellsDone: skipped + probed },
    });
  }

  async commitProbeCell(runId: string, position: number, boot: CellBoot): Promise<void> {
    const id = Number(runId);
    const r = boot.result;
    try {
      await this.db.prisma.$transaction(async (tx) => {
        const observed = 'failure' in r ? null : r;
        const counters = 'failure' in r
          ? { [r.failure === 'infrastructure' ? 'infraFailures' : 'guestFailures']: { increment: 1 } }
          : { [COUNT_KEYS[VERDICTS.indexOf(r.observed.verdict)]]: { increment: 1 }, disagreements: { increment: r.agree ? 0 : 1 } };
        // The run's row first: its lock orders two commits of one cell (a redelivered shard beside
        // the worker that still holds it), so the second sees the first's row below and rolls back.
        const advanced = await tx.run.updateMany({ where: { id, status: { in: UNFINISHED } }, data: { cellsDone: { increment: 1 }, ...counters } });
        if (advanced.count !== 1) throw new RunFinished();
        if (await tx.probeResult.findUnique({ where: { runId_position: { runId: id, position } }, select: { position: true } })) throw new AlreadyStored();
        await tx.probeResult.create({
          data: {
            runId: id, position, attempts: boot.attempts, seconds: boot.seconds, console: gzipSync(boot.console),
            ...('failure' in r
              ? { failure: r.failure, failureReason: r.reason }
              : { observed: JSON.stringify(r.observed), predicted: JSON.stringify(r.predicted), agree: r.agree, differences: JSON.stringify(r.differences) }),
          },
        });
        if (observed) {
          const negotiated = words(observed.observed.negotiatedBits);
          await tx.result.create({
            data: {
              runId: id, position, verdict: VERDICTS.indexOf(observed.observed.verdict), negotiatedLo: negotiated.lo, negotiatedHi: negotiated.hi,
              // A real guest does not show which features validate() cleared.
              clearedLo: 0, clearedHi: 0, effective: observed.observed.guestValue ?? -1,
            },
          });
        }
      });
    } catch (err) {
      // Nothing lands once the run was cancelled or failed (the boot in flight is dropped), nor
      // for a cell stored already.
      if (!(err instanceof RunFinished) && !(err instanceof AlreadyStored)) throw err;
    }
  }

  async probedPositions(runId: string): Promise<Set<number>> {
    const key = runKey(runId);
    if (key === null) return new Set();
    const rows = await this.db.prisma.probeResult.findMany({ where: { runId: key }, select: { position: true } });
    return new Set(rows.map((r) => r.position));
  }

  async probeResultsAt(runId: string, positions: readonly number[]): Promise<Map<number, StoredProbeResult>> {
    const key = runKey(runId);
    const out = new Map<number, StoredProbeResult>();
    if (key === null || positions.length === 0) return out;
    const rows = await this.db.prisma.probeResult.findMany({
      where: { runId: key, position: { in: [...positions] } },
      omit: { console: true },
    });
    const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as Observation));
    for (const row of rows) {
      out.set(row.position, {
        position: row.position, observed: parse(row.observed), predicted: parse(row.predicted), agree: row.agree,
        differences: row.differences ? (JSON.parse(row.differences) as string[]) : [],
        failure: row.failure as StoredProbeResult['failure'], failureReason: row.failureReason, attempts: row.attempts, seconds: row.seconds,
      });
    }
    return out;
  }

  async consoleOf(runId: string, position: number): Promise<string | null> {
    const key = runKey(runId);
    if (key === null || !Number.isSafeInteger(position)) return null;
    const row = await this.db.prisma.probeResult.findUnique({ where: { runId_position: { runId: key, position } }, select: { console: true } });
    return row ? gunzipSync(row.console).toString('utf8') : null;
  }
}
