/** Combinations and outcomes: the CLI's keys and values, so CI scripts move between the two freely. */
import { VERDICTS } from '../../engine';

export const typeDefs = /* GraphQL */ `
"""Outcome classes, from good to bad."""
enum Verdict { ${VERDICTS.join(' ')} }

"""One combination, with the CLI's keys and string values ("s390x", "5.15-rc5", "write-back")."""
input CombinationInput {
  arch: String!
  transport: String!
  device: String!
  mode: String!
  backend: String = "qemu"
  hypervisor: String!
  kernel: String!
  strategy: String = "as-shipped"
  """Device config values by Linux struct field name; a field implies its feature is offered."""
  config: JSONObject
  pageSize: Int
  """Device-offered feature names, replacing the device model's defaults."""
  features: [String!]
  hostArch: String
}

type Combination {
  arch: String!
  transport: String!
  device: String!
  mode: String!
  backend: String!
  hypervisor: String!
  kernel: String!
  strategy: String!
  config: JSONObject!
  pageSize: Int
}

type ConfigRead {
  field: String!
  """Bytes the driver received, hex in offset order."""
  bytes: String!
  driverValue: JSON!
  deviceValue: JSON!
}

type TraceStep {
  seq: Int!
  phase: String!
  actor: String!
  action: String!
  detail: String!
}

type Outcome {
  combination: Combination!
  verdict: Verdict!
  negotiated: [String!]!
  offered: [String!]!
  """QEMU's host_features: everything the device model offers, on every feature word."""
  hostFeatures: [String!]!
  clearedInValidate: [String!]!
  validateReads: [ConfigRead!]!
  probeReads: [ConfigRead!]!
  """Values the guest uses after probe, e.g. {"logical_block_size": 512}."""
  effective: JSONObject!
  deviceStatus: [String!]!
  patches: [String!]!
  reasons: [String!]!
  trace: [TraceStep!]
}
`;
