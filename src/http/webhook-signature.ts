/**
 * Signed webhooks: `X-Virtio-Matrix-Signature: sha256=<hex>` is HMAC-SHA256 over
 * `<timestamp>.<raw body>` with the shared secret, and `X-Virtio-Matrix-Timestamp` (Unix seconds)
 * must be within five minutes, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-virtio-matrix-signature';
export const TIMESTAMP_HEADER = 'x-virtio-matrix-timestamp';
export const MAX_SKEW_SECONDS = 300;

export function sign(secret: string, timestamp: number, body: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type SignatureProblem = 'MISSING_SIGNATURE' | 'BAD_TIMESTAMP' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE';

/**
 * Unix seconds written the one way `sign` writes them: decimal digits, no sign, no leading zero,
 * no fraction or blanks. Anything looser would let one signed request pass as several (`T.0`,
 * ` T`, `0T`, `+T` all read as T).
 */
const TIMESTAMP = /^[1-9][0-9]{0,11}$/;

export function checkSignature(secret: string, body: Buffer, signature: string | undefined, timestamp: string | undefined, nowSeconds: number): SignatureProblem | null {
  if (!signature || !timestamp) return 'MISSING_SIGNATURE';
  if (!TIMESTAMP.test(timestamp)) return 'BAD_TIMESTAMP';
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return 'STALE_TIMESTAMP';
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'BAD_SIGNATURE';
}
