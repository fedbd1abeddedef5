import { resolvers as scalars } from '../schema/scalars';
import { guarded } from '../access';
import { withErrorCodes } from '../errors';
import { resolvers as cells } from './cells';
import { resolvers as engine } from './engine';
import { resolvers as matrices } from './matrices';
import { resolvers as runs } from './runs';
import { resolvers as whatIf } from './what-if';

/**
 * All resolvers, merged per type. Root fields check the caller's access (./access) and map domain
 * errors to codes; field resolvers stay plain functions (wrapping each would cost on every field
 * of a 1,000-cell page).
 */
export const resolvers = {
  ...withErrorCodes({
    Query: guarded('reads', { ...engine.Query, ...matrices.Query, ...runs.Query, ...cells.Query }),
    Mutation: guarded('writes', { ...matrices.Mutation, ...runs.Mutation, ...whatIf.Mutation }),
  }),
  Matrix: matrices.Matrix,
  Run: runs.Run,
  KernelArtifact: runs.KernelArtifact,
  RunDelivery: runs.RunDelivery,
  Cell: cells.Cell,
  CellConnection: cells.CellConnection,
  CellEdge: cells.CellEdge,
  DiffEdge: cells.DiffEdge,
  QemuChange: whatIf.QemuChange,
  ...scalars,
};

