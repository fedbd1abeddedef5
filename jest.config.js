/** Tests mirror src/ under test/. TypeScript is compiled by swc (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Tests open real stores (PostgreSQL migrations, SQLite files) and servers: on a loaded 2-core
  // machine a hook can take past jest's default 5 s without anything being wrong.
  testTimeout: 30_000,
};
