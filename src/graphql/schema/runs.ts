/** Matrices, runs, cells, diffs: the stored side of the API. */
import { TRANSITIONS } from '../../engine';

export const typeDefs = /* GraphQL */ `
"""Axes of a matrix; CONFIG is a device's config values, written "blk_size=4096"."""
enum Axis { ARCH TRANSPORT DEVICE MODE BACKEND HYPERVISOR KERNEL STRATEGY CONFIG }

enum Transition { ${TRANSITIONS.join(' ')} }

enum RunStatus { QUEUED RUNNING SUCCEEDED FAILED CANCELLED }

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

input MatrixInput {
  name: String!
  description: String
  archs: [String!]!
  transports: [String!]!
  devices: [String!]!
  modes: [String!]!
  backends: [String!] = ["qemu"]
  hypervisors: [String!]!
  kernels: [String!]!
  strategies: [String!] = ["as-shipped"]
  """Values per config field, e.g. {"blk_size": [512, 4096], "mtu": [1280, 9000]}."""
  config: JSONObject
}

type Matrix {
  id: ID!
  name: String!
  description: String
  archs: [String!]!
  transports: [String!]!
  devices: [String!]!
  modes: [String!]!
  backends: [String!]!
  hypervisors: [String!]!
  kernels: [String!]!
  strategies: [String!]!
  config: JSONObject!
  """Matrix positions, valid or not; invalid ones are skipped and counted."""
  positions: Count!
  createdAt: String!
  runs(first: Int = 20, after: String): RunConnection!
}

type MatrixEdge { cursor: String! node: Matrix! }
type MatrixConnection { edges: [MatrixEdge!]! pageInfo: PageInfo! totalCount: Int! }

type RunSummary {
  total: Count!
  ok: Count!
  degraded: Count!
  broken: Count!
  probeFailed: Count!
  skipped: Count!
}

type Run {
  id: ID!
  matrix: Matrix!
  status: RunStatus!
  """Share of matrix positions processed, 0 to 1."""
  progress: Float!
  cellsDone: Count!
  cellsTotal: Count!
  summary: RunSummary!
  trigger: String!
  profileHash: String!
  """False when the engine's profiles changed since the run: recomputed outcomes may differ."""
  profilesCurrent: Boolean!
  createdAt: String!
  startedAt: String
  finishedAt: String
  error: String
}

type RunEdge { cursor: String! node: Run! }
type RunConnection { edges: [RunEdge!]! pageInfo: PageInfo! totalCount: Int! }

input CellFilter {
  arch: [String!]
  transport: [String!]
  device: [String!]
  mode: [String!]
  backend: [String!]
  hypervisor: [String!]
  kernel: [String!]
  strategy: [String!]
  config: [String!]
  verdict: [Verdict!]
}

type Cell {
  """Stable: run id and matrix position."""
  id: ID!
  position: Count!
  combination: Combination!
  verdict: Verdict!
  negotiated: [String!]!
  clearedInValidate: [String!]!
  """The guest value the verdict turns on (logical block size, MTU), when the device has one."""
  effective: Float
  """Recomputed by the engine, with its trace."""
  outcome: Outcome!
}

type CellEdge { cursor: String! node: Cell! }
type CellConnection { edges: [CellEdge!]! pageInfo: PageInfo! totalCount: Count! }

type DiffPair {
  transition: Transition!
  base: Cell!
  head: Cell!
}

type DiffEdge { cursor: String! node: DiffPair! }
type DiffConnection {
  edges: [DiffEdge!]!
  pageInfo: PageInfo!
  totalCount: Count!
  regressions: Count!
  fixes: Count!
  changes: Count!
}

type VerdictCounts {
  ok: Count!
  degraded: Count!
  broken: Count!
  probeFailed: Count!
}

"""Verdict counts per (row value, column value): the matrix as a picture."""
type Heatmap {
  rows: [String!]!
  columns: [String!]!
  """cells[row][column]"""
  cells: [[VerdictCounts!]!]!
}

type ResponsibleChange {
  id: String!
  title: String!
  change: String!
}

type RegressionStep {
  before: String!
  at: String!
  beforeOutcome: Outcome!
  atOutcome: Outcome!
  responsible: [ResponsibleChange!]!
}

type FirstRegression {
  axis: Axis!
  walked: [String!]!
  found: RegressionStep
}
`;
