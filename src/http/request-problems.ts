/**
 * Requests refused before any handler sees them: the body parser's errors (too large, not JSON,
 * a charset or content encoding it cannot decode) become a status and a code. They are the
 * client's mistakes, never internal errors.
 */
export const BODY_LIMIT = '256kb';

export interface RequestProblem {
  status: number;
  code: string;
  message: string;
}

/** body-parser's error types (see its README, "Errors"). */
const BY_TYPE: Record<string, (err: { message: string }) => RequestProblem> = {
  'entity.too.large': () => ({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: `bodies are limited to ${BODY_LIMIT}` }),
  'entity.parse.failed': () => ({ status: 400, code: 'INVALID_JSON', message: 'body is not JSON' }),
  'charset.unsupported': (err) => ({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `${err.message}: send JSON as UTF-8 (content-type: application/json; charset=utf-8)` }),
  'encoding.unsupported': (err) => ({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `${err.message}: send the body uncompressed, or gzip, deflate or br` }),
  'request.aborted': () => ({ status: 400, code: 'BAD_REQUEST', message: 'the request was aborted before its body arrived' }),
  'request.size.invalid': () => ({ status: 400, code: 'BAD_REQUEST', message: 'the body is not as long as content-length says' }),
};

/** What to answer for an error raised while reading a request, or null when it is ours. */
export function requestProblem(err: unknown): RequestProblem | null {
  if (typeof err !== 'object' || err === null) return null;
  const { type, status, expose, message } = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  const known = typeof type === 'string' ? BY_TYPE[type] : undefined;
  if (known) return known({ message: String(message) });
  // Any other client error the parser marks as safe to show.
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) return { status, code: 'BAD_REQUEST', message: String(message) };
  return null;
}
