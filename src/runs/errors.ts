/** Errors the use cases raise; adapters map them to codes (GraphQL NOT_FOUND, HTTP 404, CLI exit 2). */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly kind: 'matrix' | 'run' | 'kernel' | 'cell' | 'kernel patch' | 'qemu change', readonly key: string) {
    super(`no ${kind} ${JSON.stringify(key)}`);
  }
}

/** Input that is well-formed but does not fit (a diff value not on the run's axis, ...). */
export class BadInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** A report asked of a run (or a baseline) that has not succeeded: its grid is incomplete. */
export class RunNotSucceededError extends Error {
  readonly code = 'RUN_NOT_SUCCEEDED';
  constructor(readonly role: 'run' | 'baseline', readonly runId: string, readonly status: string) {
    super(`${role} ${runId} is ${status}: reports need a succeeded run${status === 'queued' || status === 'running' ? '; wait for it to finish' : ''}`);
  }
}

/** `last` named no run: the matrix has no succeeded run before this one. */
export class NoBaselineError extends Error {
  readonly code = 'NO_BASELINE';
  constructor(readonly runId: string, readonly matrixName: string) {
    super(`no succeeded run of matrix "${matrixName}" before run ${runId}: pass --baseline ID, or gate without a baseline until one exists`);
  }
}

/** A baseline that shares no evaluated cell with the run: comparing them would pass anything. */
export class NothingSharedError extends Error {
  readonly code = 'NOTHING_SHARED';
  constructor(readonly runId: string, readonly baselineId: string) {
    super(`baseline run ${baselineId} shares no evaluated cell with run ${runId}: regressions pair identical combinations (same arch, transport, device, config, mode, backend, hypervisor, kernel and strategy); pick a run of a matrix with values in common`);
  }
}
