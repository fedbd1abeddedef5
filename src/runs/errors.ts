/** Errors the use cases raise; adapters map them to codes (GraphQL NOT_FOUND, HTTP 404, CLI exit 2). */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly kind: 'matrix' | 'run', readonly key: string) {
    super(`no ${kind} ${JSON.stringify(key)}`);
  }
}
