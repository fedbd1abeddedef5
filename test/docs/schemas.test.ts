import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFiles } from '../../src/docs/schemas';

test.each(Object.entries(schemaFiles()))('schemas/%s is what the engine\'s zod schema generates (run `npm run schemas` after changing it)', (name, text) => {
  expect(readFileSync(join(__dirname, '..', '..', 'schemas', name), 'utf8')).toBe(text);
});
