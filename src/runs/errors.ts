/** Errors the use cases raise; adapters map them to codes (GraphQL NOT_FOUND, HTTP 404, CLI exit 2). */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly kind: 'matrix' | 'run' | 'kernel' | 'cell', readonly key: string) {
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
