/** JSON scalars: config objects and values keep the CLI's shape (numbers stay numbers, MACs strings). */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

export const typeDefs = /* GraphQL */ `
"""A JSON object, e.g. a config such as {"blk_size": 4096}."""
scalar JSONObject
"""A JSON value: a number or a string."""
scalar JSON
"""A count of matrix positions or cells: a JSON number, whole and exact up to 2^53 - 1 (an Int stops at 2^31 - 1)."""
scalar Count
`;

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      throw new TypeError(`unsupported literal ${node.kind}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new GraphQLError(`Count must be a whole number from 0 to 2^53 - 1, got ${String(v)}`);
  return n;
}

export const resolvers = {
  Count: new GraphQLScalarType({
    name: 'Count',
    serialize: count,
    parseValue: count,
    parseLiteral: (node) => {
      if (node.kind !== Kind.INT) throw new GraphQLError('Count must be a whole number');
      return count(Number(node.value));
    },
  }),
  JSONObject: new GraphQLScalarType({
    name: 'JSONObject',
    serialize: (v) => v,
    parseValue: (v) => {
      if (!isPlainObject(v)) throw new TypeError('JSONObject must be an object');
      return v;
    },
    parseLiteral: (node) => {
      const v = literal(node);
      if (!isPlainObject(v)) throw new TypeError('JSONObject must be an object');
      return v;
    },
  }),
  JSON: new GraphQLScalarType({
    name: 'JSON',
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: literal,
  }),
};
