import { makeExecutableSchema as build } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';
import { typeDefs } from './sdl';

/**
 * The SDL assembled in `sdl.ts` from `schema/` (schema.graphql is its printed copy, kept equal by a
 * test) with its resolvers; a resolver for a field the SDL lacks is an error.
 */
export function makeExecutableSchema(): GraphQLSchema {
  return build({ typeDefs, resolvers, resolverValidationOptions: { requireResolversToMatchSchema: 'error' } });
}
