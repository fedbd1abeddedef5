/** Token use cases, for the CLI (and any later admin API): create, list, revoke. */
import { z } from 'zod';
import { BadInputError } from '../runs/errors';
import { SCOPES, generateToken, hashToken, type Scope, type TokenRecord, type TokenStore } from './tokens';

const tokenName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a token name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
const scope = z.enum(SCOPES, { error: `scope is one of ${SCOPES.join(', ')}` });

/** The secret is in the answer only: it is not stored and cannot be shown again. */
export async function createToken(tokens: TokenStore, input: { name: string; scope: string }): Promise<{ token: string; record: TokenRecord }> {
  const name = tokenName.safeParse(input.name);
  if (!name.success) throw new BadInputError('name', name.error.issues[0].message);
  const parsed = scope.safeParse(input.scope);
  if (!parsed.success) throw new BadInputError('scope', parsed.error.issues[0].message);
  const token = generateToken();
  const record = await tokens.create({ name: name.data, scope: parsed.data as Scope, hash: hashToken(token) });
  return { token, record };
}

export function tokenJson(t: TokenRecord) {
  return { id: t.id, name: t.name, scope: t.scope, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}
