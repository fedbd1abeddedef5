import { makeExecutableSchema as build } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';
import { typeDefs } from './sdl';

/** The committed SDL with its resolvers; a resolver for a field the SDL lacks is an error. */
export function makeExecutableSchema(): GraphQLSchema {
  return build({ typeDefs, resolvers, resolverValidationOptions: { requireResolversToMatchSchema: 'error' } });
}
