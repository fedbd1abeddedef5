/** What a probe run stores per booted cell, and the store port its executor and readers use. */
import type { CellBoot } from '../../probe/boot-cell';
import type { Observation } from '../../probe/compare';
import type { MatrixRecord } from '../../matrices/types';
import type { RunRecord, RunStore } from '../types';

/** One booted cell of a probe run as stored (console kept apart: it is read one at a time). */
export interface StoredProbeResult {
  position: number;
  observed: Observation | null;
  predicted: Observation | null;
  agree: boolean | null;
  differences: string[];
  failure: 'infrastructure' | 'guest' | null;
  failureReason: string | null;
  attempts: number;
  seconds: number;
}

export interface ProbeRunStore extends RunStore {
  /** A queued probe run of the matrix on a registered kernel artifact. */
  createProbeRun(matrix: MatrixRecord, trigger: string, kernelId: string): Promise<RunRecord>;
  /** Positions not booted, by reason; set (not added), so a resumed run counts them once. */
  recordSkips(runId: string, reasons: Record<string, number>): Promise<void>;
  /** One transaction: the cell's probe result (and verdict row when the guest reported), the run's counters. Nothing once the run finished or when the cell is stored already. */
  commitProbeCell(runId: string, position: number, boot: CellBoot): Promise<void>;
  /** Positions with a stored probe result (a resumed run boots the others). */
  probedPositions(runId: string): Promise<Set<number>>;
  probeResultsAt(runId: string, positions: readonly number[]): Promise<Map<number, StoredProbeResult>>;
  /** The boot's console, decompressed; null when the cell has none. */
  consoleOf(runId: string, position: number): Promise<string | null>;
}
