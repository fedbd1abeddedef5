/**
 * `token create --name N --scope read|run|admin`, `token list`, `token revoke NAME|ID`: API tokens
 * in the store the server uses (--db or DATABASE_URL). `create` prints the token as its only
 * stdout line (the note about it goes to stderr), so `TOKEN=$(npx virtio-matrix token create …)`
 * captures it; it is not stored and cannot be shown again.
 */
import { createToken, tokenJson } from '../auth/commands';
import { TokenNameTakenError, type TokenStore } from '../auth/tokens';
import { openDatabase, type Database } from '../db/database';
import { storesOf } from '../composition';
import { databaseUrl } from '../db/url';
import { BadInputError } from '../runs/errors';
import { CliError } from './input';

export interface TokenIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

async function withTokens<T>(db: string | undefined, fn: (tokens: TokenStore) => Promise<T>): Promise<T> {
  const opened: Database = await openDatabase(databaseUrl(db));
  try {
    return await fn(storesOf(opened).tokens);
  } finally {
    await opened.close();
  }
}

export async function tokenCreate(opts: { name: string; scope: string; db?: string }, io: TokenIo): Promise<void> {
  const { token, record } = await withTokens(opts.db, async (tokens) => {
    try {
      return await createToken(tokens, opts);
    } catch (err) {
      if (err instanceof BadInputError) throw new CliError('BAD_USER_INPUT', err.message, { field: err.field });
      if (err instanceof TokenNameTakenError) throw new CliError('CONFLICT', err.message, { field: 'name' });
      throw err;
    }
  });
  io.stderr(`created token "${record.name}" (id ${record.id}, scope ${record.scope}); it is shown once, store it now (send it as Authorization: Bearer <token>):`);
  io.stdout(token);
}

export async function tokenList(opts: { db?: string }, io: TokenIo): Promise<void> {
  const list = await withTokens(opts.db, (tokens) => tokens.list());
  io.stdout(JSON.stringify(list.map(tokenJson), null, 2));
}

export async function tokenRevoke(nameOrId: string, opts: { db?: string }, io: TokenIo): Promise<void> {
  const revoked = await withTokens(opts.db, (tokens) => tokens.revoke(nameOrId));
  if (!revoked) throw new CliError('NOT_FOUND', `no token named or numbered "${nameOrId}": see token list`, { field: 'token' });
  io.stdout(JSON.stringify({ revoked: tokenJson(revoked) }));
}
