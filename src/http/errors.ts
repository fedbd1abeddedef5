/** Every HTTP error is `{"error": {"code", "message", ...}}` with a status that fits. */
import type { Response } from 'express';
import { BadInputError, NotFoundError } from '../runs/errors';

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

/** A run use case's refusal (unknown matrix or kernel, input that does not fit) as a 4xx; false for anything else. */
export function sendRunRefusal(res: Response, err: unknown): boolean {
  if (err instanceof NotFoundError) sendError(res, 404, 'NOT_FOUND', err.message, { field: err.kind });
  else if (err instanceof BadInputError) sendError(res, 400, 'BAD_USER_INPUT', err.message, { field: err.field });
  else return false;
  return true;
}
