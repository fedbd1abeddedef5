/** What resolvers get: use cases and readers, plus per-request loaders (no N+1). */
import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import { matricesByIds } from '../db/matrices';
import type { ArtifactDeps } from '../artifacts/register';
import type { SqlProbeRunStore } from '../db/probe-runs';
import type { RunDeps } from '../runs/commands';
import type { Limits } from '../runs/limits';
import type { DeliveryRecord, MatrixRecord } from '../runs/types';
import type { RunViews } from '../runs/views';

export interface Services {
  db: Database;
  store: SqlProbeRunStore;
  runDeps: RunDeps;
  views: RunViews;
  artifacts: ArtifactDeps;
  limits: Limits;
}

export interface Context extends Services {
  matrixLoader: DataLoader<number, MatrixRecord | null>;
  /** By run id. */
  deliveryLoader: DataLoader<string, DeliveryRecord | null>;
}

export function createContext(services: Services): Context {
  return {
    ...services,
    matrixLoader: new DataLoader(async (ids) => {
      const found = await matricesByIds(services.db, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    deliveryLoader: new DataLoader(async (runIds) => {
      const found = await services.store.deliveriesByRunIds(runIds);
      return runIds.map((id) => found.get(id) ?? null);
    }),
  };
}
