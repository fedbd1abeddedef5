/** Reading combinations from a file or stdin, with typed errors the CLI prints as JSON. */
import { readFileSync } from 'node:fs';
import { BadInputError, NotFoundError } from '../runs/errors';

export class CliError extends Error {
  constructor(
    readonly code: 'INPUT_NOT_FOUND' | 'INVALID_JSON' | 'INVALID_COMBINATION' | 'INVALID_PATCH' | 'EMPTY_INPUT' | 'INVALID_KERNEL_BUILD' | 'INVALID_ARTIFACT' | 'PAYLOAD_TOO_LARGE' | 'CONFLICT' | 'NOT_FOUND' | 'BAD_USER_INPUT',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/**
 * A use case's typed error as the CLI reports it (exit 2): an unknown name is NOT_FOUND, input
 * that does not fit is BAD_USER_INPUT. Anything else is not the user's doing and is rethrown.
 */
export function cliErrorOf(err: unknown): CliError {
  if (err instanceof NotFoundError) return new CliError('NOT_FOUND', err.message, { field: err.kind });
  if (err instanceof BadInputError) return new CliError('BAD_USER_INPUT', err.message, { field: err.field });
  throw err;
}

/** `-` reads stdin. */
export function readInput(path: string): unknown {
  return readJson(path, 'a combination object or an array of them');
}

/** A JSON file (`-`: stdin); `expected` says what an empty one should have held. */
export function readJson(path: string, expected: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CliError('INPUT_NOT_FOUND', `cannot read ${path === '-' ? 'stdin' : path}: ${(err as Error).message}`);
  }
  if (text.trim() === '') throw new CliError('EMPTY_INPUT', `${path === '-' ? 'stdin' : path} is empty: expected ${expected}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError('INVALID_JSON', `input is not JSON: ${(err as Error).message}`);
  }
}
