/** API token records: the sha256 of each secret, never the secret. */
import { TokenNameTakenError, isScope, type Scope, type TokenRecord, type TokenStore } from '../auth/tokens';
import type { Database } from './database';
import { isUniqueViolation } from './unique-violation';

type Row = { id: number; name: string; scope: string; hash: string; createdAt: Date; lastUsedAt: Date | null };

function toRecord(row: Row): TokenRecord & { hash: string } {
  // Written only through create(), which takes a Scope.
  const scope: Scope = isScope(row.scope) ? row.scope : 'read';
  return { id: String(row.id), name: row.name, scope, hash: row.hash, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

const withoutHash = ({ hash: _hash, ...record }: TokenRecord & { hash: string }): TokenRecord => record;

export class SqlTokenStore implements TokenStore {
  constructor(private readonly db: Database) {}

  async create(token: { name: string; scope: Scope; hash: string }): Promise<TokenRecord> {
    try {
      return withoutHash(toRecord(await this.db.prisma.token.create({ data: token })));
    } catch (err) {
      if (isUniqueViolation(err)) throw new TokenNameTakenError(token.name);
      throw err;
    }
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await this.db.prisma.token.findMany({ orderBy: { id: 'asc' } });
    return rows.map((row) => withoutHash(toRecord(row)));
  }

  async findByHash(hash: string): Promise<(TokenRecord & { hash: string }) | null> {
    const row = await this.db.prisma.token.findUnique({ where: { hash } });
    return row ? toRecord(row) : null;
  }

  async revoke(nameOrId: string): Promise<TokenRecord | null> {
    const byName = await this.db.prisma.token.findUnique({ where: { name: nameOrId } });
    const row = byName ?? (/^\d{1,9}$/.test(nameOrId) ? await this.db.prisma.token.findUnique({ where: { id: Number(nameOrId) } }) : null);
    if (!row) return null;
    // deleteMany: a revoke racing another one of the same token is not an error.
    await this.db.prisma.token.deleteMany({ where: { id: row.id } });
    return withoutHash(toRecord(row));
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.prisma.token.updateMany({ where: { id: Number(id) }, data: { lastUsedAt: at } });
  }

  count(): Promise<number> {
    return this.db.prisma.token.count();
  }
}
