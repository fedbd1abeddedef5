/** What resolvers get: the domain's ports and use-case dependencies, plus per-request loaders (no N+1). */
import DataLoader from 'dataloader';
import { ANONYMOUS, type Caller } from '../auth/caller';
import type { AccessPolicy } from '../auth/policy';
import type { TokenStore } from '../auth/tokens';
import type { WriteLimiter } from '../auth/write-limit';
import type { ArtifactDeps } from '../artifacts/register';
import type { ProbeRunStore } from '../runs/probe/types';
import type { RunDeps } from '../runs/commands';
import type { RetentionStore } from '../runs/retention';
import type { Limits } from '../runs/limits';
import { TimeBudget } from '../runs/time-budget';
import type { MatrixRecord, MatrixStore } from '../matrices/types';
import type { DeliveryRecord } from '../runs/types';
import type { UserPatchStore } from '../what-if/types';
import type { RunViews } from '../runs/views';

export interface Services {
  /** The engine profile data's hash: runs made with other data say so (profilesCurrent). */
  profileHash: string;
  matrices: MatrixStore;
  store: ProbeRunStore;
  runDeps: RunDeps;
  /** Deleting runs (deleteRun). */
  retention: RetentionStore;
  views: RunViews;
  artifacts: ArtifactDeps;
  limits: Limits;
  tokens: TokenStore;
  /** Proposed kernel patches and QEMU changes users stored (createKernelPatch, createQemuChange). */
  userPatches: UserPatchStore;
  /** What reads and writes need (READS_REQUIRE_TOKEN). */
  access: AccessPolicy;
  /** Mutations per token per minute (MUTATIONS_PER_MINUTE). */
  writeLimiter: WriteLimiter;
}

export interface Context extends Services {
  matrixLoader: DataLoader<number, MatrixRecord | null>;
  /** By run id. */
  deliveryLoader: DataLoader<string, DeliveryRecord | null>;
  /** Who sent the request (the Authorization header), checked by graphql/access.ts. */
  caller: Caller;
  /** Started with the request (REQUEST_TIME_BUDGET_MS); long reads check it. */
  budget: TimeBudget;
}

export function createContext(services: Services, caller: Caller = ANONYMOUS): Context {
  return {
    ...services,
    caller,
    budget: new TimeBudget(services.limits.requestTimeBudgetMs),
    matrixLoader: new DataLoader(async (ids) => {
      const found = await services.matrices.byIds(ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    deliveryLoader: new DataLoader(async (runIds) => {
      const found = await services.store.deliveriesByRunIds(runIds);
      return runIds.map((id) => found.get(id) ?? null);
    }),
  };
}
