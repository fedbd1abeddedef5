/**
 * Probe runs in the store: runs of kind probe (no shards: cells are booted one by one), a
 * ProbeResult per booted cell with its console gzip-compressed, and a result blob of that one
 * position with the observed verdict and negotiated bits, so the grid, cells, diff, compareRuns and the heatmap
 * read a probe run as they read an engine run.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { VERDICTS } from '../engine';
import { featuresFromBits } from '../engine/features';
import type { CellBoot } from '../probe/boot-cell';
import type { Observation } from '../probe/compare';
import type { ProbeRunStore, StoredProbeResult } from '../runs/probe/types';
import type { MatrixRecord } from '../matrices/types';
import { COUNT_KEYS, ResultBatch, type RunRecord } from '../runs/types';
import { encodeResults } from './result-blob';
import { SELECT_RUN, SqlRunStore, runKey, toRecord } from './runs';

const UNFINISHED = ['queued', 'running'];

/** The observed cell as the blob of its one position. */
function cellBlob(position: number, observed: Observation): Uint8Array<ArrayBuffer> {
  const batch = new ResultBatch(1);
  batch.length = 1;
  batch.positions[0] = position;
  batch.verdicts[0] = VERDICTS.indexOf(observed.verdict);
  const negotiated = featuresFromBits(observed.negotiatedBits);
  batch.negotiatedLo[0] = negotiated.lo;
  batch.negotiatedHi[0] = negotiated.hi;
  // A real guest does not show which features validate() cleared.
  batch.effective[0] = observed.guestValue ?? -1;
  return encodeResults(position, position + 1, batch);
}

/** Thrown inside a transaction to roll it back when the run has finished meanwhile. */
class RunFinished extends Error {}
/** Thrown inside a transaction to roll back the counters when the cell is stored already. */
class AlreadyStored extends Error {}

export class SqlProbeRunStore extends SqlRunStore implements ProbeRunStore {
  async createProbeRun(matrix: MatrixRecord, trigger: string, kernelId: string): Promise<RunRecord> {
    const row = await this.db.prisma.run.create({ data: this.newProbeRun(matrix, trigger, kernelId), ...SELECT_RUN });
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
    const observed = 'failure' in r ? null : r;
    // Compressed before the transaction, so the write lock is not held for it.
    const console = gzipSync(boot.console);
    const blob = observed ? cellBlob(position, observed.observed) : null;
    try {
      await this.db.prisma.$transaction(async (tx) => {
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
            runId: id, position, attempts: boot.attempts, seconds: boot.seconds, console,
            ...('failure' in r
              ? { failure: r.failure, failureReason: r.reason }
              : { observed: JSON.stringify(r.observed), predicted: JSON.stringify(r.predicted), agree: r.agree, differences: JSON.stringify(r.differences) }),
          },
        });
        if (blob) await tx.resultBlob.create({ data: { runId: id, from: position, to: position + 1, data: blob } });
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
