/** Matrices, runs, cells, diffs: the stored side of the API. */
import { AXES, TRANSITIONS } from '../../engine';

export const typeDefs = /* GraphQL */ `
"""Axes of a matrix; CONFIG is a device's config values, written "blk_size=4096"."""
enum Axis { ${AXES.map((a) => a.enumValue).join(' ')} }

enum Transition { ${TRANSITIONS.join(' ')} }

enum RunStatus { QUEUED RUNNING SUCCEEDED FAILED CANCELLED }

"""ENGINE: every cell simulated. PROBE: every probeable cell booted under QEMU on one kernel artifact."""
enum RunKind { ENGINE PROBE }

"""A guest kernel image registered for probe runs (PUT /api/artifacts or virtio-matrix artifact add)."""
type KernelArtifact {
  """sha256 of the image."""
  id: ID!
  arch: String!
  """The Linux version it is based on; the engine predicts at this version."""
  linux: String!
  """The strategy it corresponds to; null is the kernel as released (as-shipped)."""
  strategy: String
  bytes: Int!
  createdAt: String!
}

input ProbeRunInput {
  """A kernel artifact id (its sha256)."""
  kernel: ID!
}

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

type SkipReason {
  reason: String!
  count: Int!
}

type RunSummary {
  total: Count!
  ok: Count!
  degraded: Count!
  broken: Count!
  probeFailed: Count!
  skipped: Count!
  """Probe runs: booted cells where the guest and the engine differ; null for engine runs."""
  disagreements: Int
  """Probe runs: boots without a guest report after one retry (QEMU did not start, no report, timeout)."""
  infrastructureFailures: Int!
  """Probe runs: guests that reported, but not the device (no driver for it in the kernel)."""
  guestFailures: Int!
  """Probe runs: positions not booted, by reason (engine runs: empty)."""
  skippedReasons: [SkipReason!]!
}

type Run {
  id: ID!
  matrix: Matrix!
  kind: RunKind!
  """The kernel a probe run boots; null for engine runs."""
  kernel: KernelArtifact
  status: RunStatus!
  """Share of matrix positions processed, 0 to 1."""
  progress: Float!
  cellsDone: Count!
  cellsTotal: Count!
  summary: RunSummary!
  """Who started the run, as free text (graphql, cli, webhook: ..., github push: REPO REF COMMIT)."""
  trigger: String!
  """The webhook delivery that started the run, with what it was about; null for runs started by GraphQL or the CLI."""
  delivery: RunDelivery
  profileHash: String!
  """False when the engine's profiles changed since the run: recomputed outcomes may differ."""
  profilesCurrent: Boolean!
  """User kernel patches the run's values apply, as its profile snapshot holds them (deleting the stored ones later changes nothing here)."""
  kernelPatches: [KernelPatch!]!
  """User QEMU changes the run's values apply, from its profile snapshot."""
  qemuChanges: [QemuChange!]!
  createdAt: String!
  startedAt: String
  finishedAt: String
  error: String
}

enum DeliverySource {
  GITHUB
  GITLAB
  """POST /webhooks/runs, signed with WEBHOOK_SECRET; its signature is the delivery id."""
  NATIVE
}

"""A webhook delivery that started a run. A delivery id is stored once per source: redelivered, it starts nothing."""
type RunDelivery {
  source: DeliverySource!
  """X-GitHub-Delivery; GitLab's Idempotency-Key or X-Gitlab-Event-UUID; the native request's signature."""
  deliveryId: String!
  """As the source names it: push, pull_request, workflow_run, release, Push Hook, Merge Request Hook, Pipeline Hook, run."""
  event: String!
  """owner/name on GitHub, group/project on GitLab."""
  repository: String
  """refs/heads/..., refs/tags/..., or a pull or merge request's source branch."""
  ref: String
  """The full commit id the event is about."""
  commit: String
  receivedAt: String!
}

type RunEdge { cursor: String! node: Run! }
type RunConnection { edges: [RunEdge!]! pageInfo: PageInfo! totalCount: Int! }

input CellFilter {
${AXES.map((a) => `  ${a.field}: [String!]`).join('\n')}
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
  """Probe runs: what the guest and QEMU showed (verdict, negotiated and negotiatedBits are this too); null for engine runs."""
  observed: ProbeObservation
  """Probe runs: the engine's prediction at the kernel's declared version and strategy."""
  predicted: ProbeObservation
  """Probe runs: observed and predicted agree bit for bit."""
  agree: Boolean
  """Probe runs: what differs, in words; empty when they agree."""
  differences: [String!]!
  boot: ProbeBoot
}

"""One side of a probe: negotiated feature bits, guest value (logical block size, MTU), device status, verdict."""
type ProbeObservation {
  verdict: Verdict!
  guestValue: Float
  negotiatedBits: [Int!]!
  negotiated: [String!]!
  """Offered by QEMU (null when QMP did not answer)."""
  offeredBits: [Int!]
  status: Int!
}

type ProbeBoot {
  """2 when the first boot failed for infrastructure reasons and was retried."""
  attempts: Int!
  seconds: Float!
  """GET this for the boot's console log (text/plain)."""
  consolePath: String!
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
