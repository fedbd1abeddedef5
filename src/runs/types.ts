/**
 * The run use cases depend on these interfaces, never on Prisma or Apollo: a store for runs and
 * results, and a queue that executes runs shard by shard.
 */
import type { MatrixSpec } from '../engine';
import type { MatrixRecord } from '../matrices/types';
import type { WhatIf } from '../what-if/types';
import type { ShardSpan } from './shard-plan';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** engine: every cell simulated; probe: every probeable cell booted on one kernel artifact. */
export type RunKind = 'engine' | 'probe';

export interface VerdictCounts {
  ok: number;
  degraded: number;
  broken: number;
  probeFailed: number;
  skipped: number;
}

/** The counter of each verdict code (VERDICTS order). */
export const COUNT_KEYS = ['ok', 'degraded', 'broken', 'probeFailed'] as const satisfies readonly (keyof VerdictCounts)[];

export interface RunRecord extends VerdictCounts {
  id: string;
  matrixId: string;
  matrixName: string;
  /** The matrix's value sets as they were when the run started: positions mean these forever. */
  spec: MatrixSpec;
  status: RunStatus;
  kind: RunKind;
  /** The kernel artifact a probe run boots (null for engine runs). */
  kernelId: string | null;
  trigger: string;
  profileHash: string;
  /** Matrix positions (valid or not). */
  cellsTotal: number;
  /** Positions processed so far (evaluated or skipped). */
  cellsDone: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  /** Probe runs: booted cells where guest and engine differ; boots that failed, by cause; positions not booted, by reason. */
  disagreements: number;
  infraFailures: number;
  guestFailures: number;
  skipReasons: Record<string, number>;
  /** The user patches and QEMU changes its values apply, from its profile snapshot; null when none. */
  whatIf?: WhatIf | null;
}

/** Where a webhook delivery came from: GitHub, GitLab, or POST /webhooks/runs (signed by us). */
export type DeliverySource = 'github' | 'gitlab' | 'native';

/**
 * A webhook delivery that starts a run: the CI event and what it is about. (source, deliveryId)
 * is unique in the store, so a redelivery finds the first delivery's run.
 */
export interface Delivery {
  source: DeliverySource;
  /** X-GitHub-Delivery; GitLab's Idempotency-Key or X-Gitlab-Event-UUID; the native signature. */
  deliveryId: string;
  /** The event as the source names it (push, pull_request, Merge Request Hook, ...). */
  event: string;
  repository: string | null;
  ref: string | null;
  commit: string | null;
}

export interface DeliveryRecord extends Delivery {
  runId: string;
  receivedAt: Date;
}

/** A run for a delivery, or the run an earlier delivery with the same id started. */
export interface DeliveredRun {
  run: RunRecord;
  duplicate: boolean;
}

/** One stored result row, feature words unsigned again. */
export interface StoredResult {
  position: number;
  verdict: number;
  negotiated: { lo: number; hi: number };
  cleared: { lo: number; hi: number };
  effective: number | null;
}

export interface ShardRecord {
  runId: string;
  index: number;
  from: number;
  to: number;
  done: boolean;
}

/** Results of one shard as columns: no object per cell. */
export class ResultBatch {
  length = 0;
  readonly positions: Int32Array;
  readonly verdicts: Uint8Array;
  readonly negotiatedLo: Uint32Array;
  readonly negotiatedHi: Uint32Array;
  readonly clearedLo: Uint32Array;
  readonly clearedHi: Uint32Array;
  /** First guest value (blk logical block size, net MTU), -1 when the device has none. */
  readonly effective: Float64Array;

  /** New columns, or columns filled elsewhere (a shard thread) taken over without a copy. */
  constructor(readonly capacity: number, columns?: ResultColumns) {
    this.positions = columns?.positions ?? new Int32Array(capacity);
    this.verdicts = columns?.verdicts ?? new Uint8Array(capacity);
    this.negotiatedLo = columns?.negotiatedLo ?? new Uint32Array(capacity);
    this.negotiatedHi = columns?.negotiatedHi ?? new Uint32Array(capacity);
    this.clearedLo = columns?.clearedLo ?? new Uint32Array(capacity);
    this.clearedHi = columns?.clearedHi ?? new Uint32Array(capacity);
    this.effective = columns?.effective ?? new Float64Array(capacity);
  }

  get columns(): ResultColumns {
    const { positions, verdicts, negotiatedLo, negotiatedHi, clearedLo, clearedHi, effective } = this;
    return { positions, verdicts, negotiatedLo, negotiatedHi, clearedLo, clearedHi, effective };
  }
}

export type ResultColumns = Pick<ResultBatch, 'positions' | 'verdicts' | 'negotiatedLo' | 'negotiatedHi' | 'clearedLo' | 'clearedHi' | 'effective'>;

/** A page of runs, newest first. */
export interface RunPage {
  items: RunRecord[];
  hasNext: boolean;
  total: number;
}

/**
 * Everything the run use cases, queues and views ask of the store. Readers take the slice they
 * use (`Pick<RunStore, ...>`), so a test can hand them a few functions.
 */
export interface RunStore {
  /** A queued engine run of the matrix as it is now, with these shards (`planShards`). */
  createRun(matrix: MatrixRecord, trigger: string, shards: readonly ShardSpan[]): Promise<RunRecord>;
  /**
   * A run for a webhook delivery, or the run an earlier delivery with the same id started
   * (duplicate). With `kernelId`, a probe run of that kernel artifact (its shards are none).
   */
  createDeliveredRun(matrix: MatrixRecord, trigger: string, delivery: Delivery, shards: readonly ShardSpan[], kernelId?: string | null): Promise<DeliveredRun>;
  /** The run a stored delivery started, or null: a redelivery is answered with it before anything else is checked. */
  runOfDelivery(source: DeliverySource, deliveryId: string): Promise<RunRecord | null>;
  /** Gives a delivery id back (its run could not be queued), so a redelivery starts one. */
  releaseDelivery(runId: string): Promise<void>;
  deliveriesByRunIds(ids: readonly string[]): Promise<Map<string, DeliveryRecord>>;
  getRun(id: string): Promise<RunRecord | null>;
  /** Runs of one matrix (or all), newest first, after the given id. */
  listRuns(matrixId: string | null, first: number, afterId: number | null): Promise<RunPage>;
  /** The newest succeeded run of the matrix before this one (a gate's `last` baseline). */
  latestSucceededBefore(matrixId: string, beforeRunId: string): Promise<RunRecord | null>;
  /** Queued or running runs of a kind, to resume after a restart. */
  unfinishedRunIds(kind?: RunKind): Promise<string[]>;
  /** The queued or running run this trigger left of the matrix (a killed `run`), if any. */
  unfinishedRunOf(matrixId: number, trigger: string): Promise<RunRecord | null>;
  shards(runId: string): Promise<ShardRecord[]>;
  /**
   * The run's status and one of its shards (null: no such shard), in one read: what a worker asks
   * before each shard it takes. Null when the run is not in this store.
   */
  shardOfRun(runId: string, index: number): Promise<{ status: RunStatus; shard: ShardRecord | null } | null>;
  markRunning(runId: string): Promise<void>;
  /**
   * One transaction: the shard's results, the shard marked done, the run's counters advanced.
   * False when nothing landed: the shard was done already, or its run had finished.
   */
  commitShard(runId: string, shard: ShardRecord, batch: ResultBatch, counts: VerdictCounts): Promise<boolean>;
  /** Verdict per position (SKIPPED where none is stored), from the stored results. */
  readVerdicts(runId: string, size: number): Promise<Uint8Array>;
  /** Whether this call finished the run: false when it had already finished (another process, a cancel). */
  finishRun(runId: string, status: RunStatus, grid: Uint8Array | null, error?: string): Promise<boolean>;
  /** The run's verdict per position: stored when it succeeded, else rebuilt from its results. */
  grid(run: RunRecord): Promise<Uint8Array>;
  resultsAt(runId: string, positions: readonly number[]): Promise<Map<number, StoredResult>>;
}

export interface RunProgress {
  runId: string;
  status: RunStatus;
  cellsDone: number;
  cellsTotal: number;
}

/** Enqueue a run, shard it, report progress, cancel: in-process here, a distributed queue next. */
export interface RunQueue {
  enqueue(runId: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  onProgress(listener: (p: RunProgress) => void): () => void;
  /** Resolves when every enqueued run has finished (for the CLI and tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}
