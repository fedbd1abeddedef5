/** Kernel artifact records (the bytes live in the artifact directory, see artifacts/blob-dir.ts). */
import { dirname, join } from 'node:path';
import type { ArtifactStore, KernelArtifact } from '../artifacts/types';
import type { Database } from './database';

type Row = { id: string; arch: string; linux: string; strategy: string | null; bytes: number; createdAt: Date };

const toRecord = (row: Row): KernelArtifact => ({ ...row });

export class SqlArtifactStore implements ArtifactStore {
  constructor(private readonly db: Database) {}

  async getKernel(id: string): Promise<KernelArtifact | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const row = await this.db.prisma.kernelArtifact.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async listKernels(): Promise<KernelArtifact[]> {
    const rows = await this.db.prisma.kernelArtifact.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map(toRecord);
  }

  async putKernel(artifact: Omit<KernelArtifact, 'createdAt'>): Promise<KernelArtifact> {
    // Two uploads of the same bytes at once: the second finds the first's row.
    const row = await this.db.prisma.kernelArtifact.upsert({ where: { id: artifact.id }, update: {}, create: artifact });
    return toRecord(row);
  }
}

/**
 * Where artifact bytes live: ARTIFACT_DIR, else `artifacts/` beside an SQLite store, else
 * ./data/artifacts (a PostgreSQL store has no directory of its own).
 */
export function artifactDir(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.ARTIFACT_DIR) return env.ARTIFACT_DIR;
  if (databaseUrl.startsWith('file:') && !databaseUrl.includes(':memory:')) {
    return join(dirname(databaseUrl.slice('file:'.length)), 'artifacts');
  }
  return './data/artifacts';
}
