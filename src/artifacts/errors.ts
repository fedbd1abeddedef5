/** Artifact errors the adapters map to codes (HTTP 413/409, GraphQL CONFLICT, CLI exit 2). */
export class ArtifactTooLargeError extends Error {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`kernel images are limited to ${limit} bytes (ARTIFACT_MAX_BYTES)`);
  }
}

/** The same bytes registered before under another arch, version or strategy: a kernel is one thing. */
export class ArtifactConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(readonly id: string, readonly existing: string) {
    super(`kernel ${id} is already registered as ${existing}`);
  }
}
