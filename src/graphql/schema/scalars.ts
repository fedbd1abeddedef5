/** JSON scalars: config objects and values keep the CLI's shape (numbers stay numbers, MACs strings). */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

export const typeDefs = /* GraphQL */ `
"""A JSON object, e.g. a config such as {"blk_size": 4096}."""
scalar JSONObject
"""A JSON value: a number or a string."""
scalar JSON
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

export const resolvers = {
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
