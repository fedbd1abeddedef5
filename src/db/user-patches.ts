/**
 * User patches in the store (UserPatch), and the profile snapshot a run takes: the engine's data
 * plus the user definitions its matrix applies, hashed together into ProfileSet.
 */
import { createHash } from 'node:crypto';
import type { MatrixSpec } from '../engine';
import { appliedIds, specApplies, whatIfFor } from '../what-if/commands';
import type { UserPatchKind, UserPatchRecord, UserPatchStore, WhatIf } from '../what-if/types';
import { engineProfilesJson, storeProfileSet, type Database } from './database';
import { isUniqueViolation } from './unique-violation';

type Row = { kind: string; id: string; title: string; source: string; definition: string; createdAt: Date };

function toRecord(row: Row): UserPatchRecord {
  return { ...row, kind: row.kind as UserPatchKind, definition: JSON.parse(row.definition) as Record<string, unknown> };
}

export class SqlUserPatchStore implements UserPatchStore {
  constructor(private readonly db: Database) {}

  async list(kind?: UserPatchKind): Promise<UserPatchRecord[]> {
    const rows = await this.db.prisma.userPatch.findMany({ where: kind ? { kind } : {}, orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toRecord);
  }

  async insert(record: Omit<UserPatchRecord, 'createdAt'>): Promise<UserPatchRecord | false> {
    try {
      return toRecord(await this.db.prisma.userPatch.create({ data: { ...record, definition: JSON.stringify(record.definition) } }));
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async remove(kind: UserPatchKind, id: string): Promise<void> {
    await this.db.prisma.userPatch.deleteMany({ where: { kind, id } });
  }

  async matricesUsing(kind: UserPatchKind, id: string): Promise<string[]> {
    // The spec is JSON text: narrow with a substring match, then decide on the parsed values.
    const rows = await this.db.prisma.matrix.findMany({ where: { spec: { contains: `+${id}` } }, select: { name: true, spec: true }, orderBy: { id: 'asc' } });
    return rows.filter((r) => specApplies(JSON.parse(r.spec) as MatrixSpec, kind, id)).map((r) => r.name);
  }
}

/** The snapshot's hash: the engine's profile hash alone when no user definition is in it. */
export function snapshotHash(engineHash: string, whatIf: WhatIf | null | undefined): string {
  if (!whatIf) return engineHash;
  return createHash('sha256').update(engineProfilesJson()).update(JSON.stringify(whatIf)).digest('hex').slice(0, 16);
}

/**
 * The ProfileSet a run of this spec records: the engine's, or, when its values apply user
 * patches, one that also holds their definitions (stored once per distinct content).
 */
export async function snapshotProfiles(db: Database, spec: MatrixSpec): Promise<string> {
  if (![...spec.kernels, ...spec.hypervisors].some((v) => appliedIds(v).length > 0)) return db.profileHash;
  const whatIf = whatIfFor(spec, await new SqlUserPatchStore(db).list());
  const hash = snapshotHash(db.profileHash, whatIf);
  if (hash !== db.profileHash) {
    await storeProfileSet(db.raw, db.dialect, hash, engineProfilesJson(), JSON.stringify(whatIf));
  }
  return hash;
}
