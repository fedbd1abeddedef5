export const typeDefs = /* GraphQL */ `
type Query {
  """Evaluate one combination, with its trace."""
  evaluate(input: CombinationInput!): Outcome!
  profiles: Profiles!
  matrices(first: Int = 20, after: String): MatrixConnection!
  matrix(name: String!): Matrix
  runs(matrix: String, first: Int = 20, after: String): RunConnection!
  run(id: ID!): Run
  """Kernel artifacts registered for probe runs, newest first."""
  kernelArtifacts: [KernelArtifact!]!
  """Results of a run, filtered by axis values and verdict, in matrix order."""
  cells(run: ID!, filter: CellFilter, first: Int = 100, after: String): CellConnection!
  """One cell of a run by matrix position (a Cell's position, as in links); null when the position holds no evaluated cell (an invalid combination, or not yet run)."""
  cell(run: ID!, position: Count!): Cell
  """Cells of one run identical on every axis but \`axis\`, where it is \`base\` vs \`head\` and the verdict changed."""
  diff(run: ID!, axis: Axis!, base: String!, head: String!, transitions: [Transition!], first: Int = 100, after: String): DiffConnection!
  """The same between two runs, on the cells they share."""
  compareRuns(base: ID!, head: ID!, transitions: [Transition!], first: Int = 100, after: String): DiffConnection!
  """Verdict counts of a run over two axes, for the dashboard's picture."""
  heatmap(run: ID!, rows: Axis!, columns: Axis!, filter: CellFilter): Heatmap!
  """Walk KERNEL or HYPERVISOR versions for a combination; the first value where the verdict got worse."""
  firstRegression(cell: CombinationInput!, axis: Axis!): FirstRegression!
}

type Mutation {
  createMatrix(input: MatrixInput!): Matrix!
  """With probe: a run of real boots of the matrix's probeable cells on that kernel artifact."""
  startRun(matrix: String!, probe: ProbeRunInput): Run!
  cancelRun(id: ID!): Run!
  """Delete a finished run with its results, shards, boot consoles and delivery; answers the run as it was. A queued or running run is refused (cancel it first)."""
  deleteRun(id: ID!): Run!
  """Store a proposed kernel patch; a definition the schema refuses is BAD_USER_INPUT naming the bad part, and nothing is stored."""
  createKernelPatch(input: KernelPatchInput!): KernelPatch!
  """Delete a stored kernel patch; refused (CONFLICT) while a stored matrix or another patch applies it. Stored runs keep their copy."""
  deleteKernelPatch(id: String!): KernelPatch!
  createQemuChange(input: QemuChangeInput!): QemuChange!
  """Delete a stored QEMU change; refused (CONFLICT) while a stored matrix applies it. Stored runs keep their copy."""
  deleteQemuChange(id: String!): QemuChange!
}
`;
