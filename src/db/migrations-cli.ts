/**
 * `npm run db:migrate` applies prisma/migrations/ offline to DATABASE_URL (default
 * ./data/virtio-matrix.db; postgresql://… applies prisma/pg/migrations/). `npm run db:schema-sql`
 * prints the SQL that creates the schema's tables for that backend, the starting point for a new
 * migration's migration.sql. `npm run db:migration-sql -- OLD_SCHEMA` prints the SQL from an
 * earlier schema.prisma (e.g. `git show HEAD:prisma/schema.prisma > /tmp/old.prisma`) to the
 * current one: the next migration's migration.sql.
 */
import { readFileSync } from 'node:fs';
import { applyMigrations, schemaChangeSql, schemaCreateSql } from './schema-engine';
import { databaseUrl } from './url';
import { redact } from './redact';

async function main(command: string | undefined, from: string | undefined): Promise<void> {
  if (command === 'migrate') {
    const url = databaseUrl();
    const applied = await applyMigrations(url);
    console.log(applied.length ? `applied ${applied.join(', ')} to ${redact(url)}` : `${redact(url)} is up to date`);
  } else if (command === 'schema-sql') {
    const url = databaseUrl();
    process.stdout.write(await schemaCreateSql(url.startsWith('file:') ? undefined : url));
  } else if (command === 'migration-sql' && from) {
    const url = databaseUrl();
    process.stdout.write(await schemaChangeSql(readFileSync(from, 'utf8'), url.startsWith('file:') ? undefined : url));
  } else {
    console.error('usage: migrations-cli migrate | schema-sql | migration-sql OLD_SCHEMA');
    process.exit(2);
  }
}

main(process.argv[2], process.argv[3]).catch((err) => {
  console.error(err);
  process.exit(1);
});
