/** The profile data the engine runs on, as it is: cited, with assumptions marked. */
export const typeDefs = /* GraphQL */ `
type ArchProfile {
  name: String!
  endian: String!
  defaultPageSize: Int!
  pageSizes: [Int!]!
  qemuLegacyByteOrder: String!
  source: String!
  unverified: String
}

type TransportMode {
  legacyInterface: Boolean!
  modernInterface: Boolean!
  qemuOptions: String!
}

type TransportProfile {
  name: String!
  archs: [String!]
  legacy: TransportMode
  transitional: TransportMode
  modern: TransportMode
  source: String!
}

type FeatureBit {
  name: String!
  bit: Int!
}

"""One field of a device's config struct: the same declaration drives encoding, decoding and these docs."""
type ConfigField {
  name: String!
  offset: Int!
  width: Int!
  type: String!
  feature: String
  qemuDefault: JSON!
  doc: String!
}

"""A device-specific feature QEMU's model offers by default; from release \`since\` on, or in every release when null."""
type QemuOffer {
  feature: String!
  since: String
}

type DeviceProfile {
  name: String!
  virtioId: Int!
  linuxDriver: String!
  legacyAllowed: Boolean!
  qemuModelSince: String
  vhostUserSince: String
  vhostUserConfig: String
  features: [FeatureBit!]!
  config: [ConfigField!]!
  qemuOffers: [QemuOffer!]!
  source: String!
  unverified: String
}

"""A QEMU change: built in, or a user's proposed one that hypervisor values qemu-X.Y+ID apply."""
type QemuChange {
  id: String!
  title: String!
  release: String
  effect: String
  source: String!
  unverified: String
  """Built into the engine; false for one stored with createQemuChange."""
  builtIn: Boolean!
  """The whole definition (qemu-change schema v1), as the engine loads it."""
  definition: JSON!
}

type HypervisorProfile {
  name: String!
  version: String!
  changes: [QemuChange!]!
  mmioForceLegacy: Boolean!
  source: String!
  unverified: String
}

"""A Linux patch: built in, or a user's proposed one that kernel values BASE+ID apply."""
type KernelPatch {
  id: String!
  title: String!
  mainline: String!
  stable: [String!]!
  role: String!
  remedy: String
  removes: [String!]!
  source: String!
  unverified: String
  """Built into the engine; false for one stored with createKernelPatch."""
  builtIn: Boolean!
  """The whole definition (kernel-patch schema v1), as the engine loads it."""
  definition: JSON!
}

"""
A proposed kernel patch: definition holds the rest of a kernel-patch schema v1 definition
(mainline, stable, role, driver, core, ...; see docs/patch-schema.md). Stored definitions are never
edited: delete and create again.
"""
input KernelPatchInput {
  """Letters, digits, ".", "_", "-"; not a built-in id. Kernel values name it: 5.13+ID."""
  id: String!
  title: String!
  definition: JSON!
  source: String!
}

"""A proposed QEMU change: definition holds the rest of a qemu-change schema v1 definition (effect, offers, configByteOrder, legacyAllowed)."""
input QemuChangeInput {
  """Not a built-in id and no "+". Hypervisor values name it: qemu-6.1+ID."""
  id: String!
  title: String!
  definition: JSON!
  source: String!
}

type Profiles {
  archs: [ArchProfile!]!
  transports: [TransportProfile!]!
  devices: [DeviceProfile!]!
  hypervisors: [HypervisorProfile!]!
  """Built-in patches, then the ones users stored."""
  kernelPatches: [KernelPatch!]!
  """Built-in QEMU changes, then the ones users stored."""
  qemuChanges: [QemuChange!]!
  strategies: [String!]!
  """Kernel versions firstRegression walks."""
  notableKernels: [String!]!
  """Hash of all profile data; runs record the hash they used."""
  hash: String!
}
`;
