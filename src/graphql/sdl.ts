/** The schema's SDL, assembled from one file per aggregate; `npm run schema` prints it to schema.graphql. */
import { buildSchema, printSchema } from 'graphql';
import * as outcome from './schema/outcome';
import * as profiles from './schema/profiles';
import * as root from './schema/root';
import * as runs from './schema/runs';
import * as scalars from './schema/scalars';

export const typeDefs = [scalars.typeDefs, outcome.typeDefs, profiles.typeDefs, runs.typeDefs, root.typeDefs].join('\n');

/** The SDL as graphql-js prints it: the committed schema.graphql must equal this. */
export function printedSchema(): string {
  return printSchema(buildSchema(typeDefs)) + '\n';
}

if (require.main === module) process.stdout.write(printedSchema());
