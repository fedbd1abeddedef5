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
  qemuOffers: [String!]!
  source: String!
  unverified: String
}

type QemuChange {
  id: String!
  title: String!
  release: String
  effect: String!
  source: String!
}

type HypervisorProfile {
  name: String!
  version: String!
  changes: [QemuChange!]!
  mmioForceLegacy: Boolean!
  source: String!
  unverified: String
}

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
}

type Profiles {
  archs: [ArchProfile!]!
  transports: [TransportProfile!]!
  devices: [DeviceProfile!]!
  hypervisors: [HypervisorProfile!]!
  kernelPatches: [KernelPatch!]!
  strategies: [String!]!
  """Kernel versions firstRegression walks."""
  notableKernels: [String!]!
  """Hash of all profile data; runs record the hash they used."""
  hash: String!
}
`;
