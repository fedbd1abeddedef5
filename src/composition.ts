/**
 * The composition root: the one place the store's implementations are chosen and the domain's
 * ports wired to them. Entry points (serve, the CLI commands, the worker, the bench, tests) take
 * their stores and use cases from here, never from each other.
 */
import { SqlArtifactStore } from './db/artifacts';
import type { Database } from './db/database';
import { SqlMatrixStore } from './db/matrices';
import { SqlProbeRunStore } from './db/probe-runs';
import { SqlRetentionStore } from './db/retention';
import { SqlTokenStore } from './db/tokens';
import type { ArtifactStore } from './artifacts/types';
import type { TokenStore } from './auth/tokens';
import type { MatrixStore } from './matrices/types';
import type { RetentionStore } from './runs/retention';

/** Every port the domain has, on one open store. */
export interface Stores {
  matrices: MatrixStore;
  runs: SqlProbeRunStore;
  retention: RetentionStore;
  tokens: TokenStore;
  artifacts: ArtifactStore;
}

export function storesOf(db: Database): Stores {
  return {
    matrices: new SqlMatrixStore(db),
    runs: new SqlProbeRunStore(db),
    retention: new SqlRetentionStore(db),
    tokens: new SqlTokenStore(db),
    artifacts: new SqlArtifactStore(db),
  };
}
