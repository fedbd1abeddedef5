import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printedSchema } from '../../src/graphql/sdl';
import { makeExecutableSchema } from '../../src/graphql/executable-schema';

test('the committed schema.graphql is the schema the server builds (run `npm run schema` after changing it)', () => {
  expect(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8')).toBe(printedSchema());
});

test('every resolver matches a field of the schema', () => {
  expect(() => makeExecutableSchema()).not.toThrow();
});
