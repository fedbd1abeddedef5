/**
 * `npm run db:migrate` applies prisma/migrations/ offline to DATABASE_URL (default
 * ./data/virtio-matrix.db; postgresql://… applies prisma/pg/migrations/). `npm run db:schema-sql`
 * prints the SQL that creates the schema's tables for that backend, the starting point for a new
 * migration's migration.sql.
 */
import { applyMigrations, schemaCreateSql } from './schema-engine';
import { databaseUrl } from './url';
import { redact } from './redact';

async function main(command: string | undefined): Promise<void> {
  if (command === 'migrate') {
    const url = databaseUrl();
    const applied = await applyMigrations(url);
    console.log(applied.length ? `applied ${applied.join(', ')} to ${redact(url)}` : `${redact(url)} is up to date`);
  } else if (command === 'schema-sql') {
    const url = databaseUrl();
    process.stdout.write(await schemaCreateSql(url.startsWith('file:') ? undefined : url));
  } else {
    console.error('usage: migrations-cli migrate | schema-sql');
    process.exit(2);
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
