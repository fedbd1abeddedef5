// @prisma/migrate ships this helper without a declaration at its import path.
declare module '@prisma/migrate/dist/utils/listMigrations' {
  import type { MigrationList } from '@prisma/schema-engine-wasm';
  export function listMigrations(migrationsDirectoryPath: string, shadowDbInitScript: string): Promise<MigrationList>;
}
