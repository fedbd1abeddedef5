import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devicesMarkdown } from '../../src/docs/devices';

test('docs/devices.md is what the device profiles generate (run `npm run docs` after changing a profile)', () => {
  expect(readFileSync(join(__dirname, '..', '..', 'docs', 'devices.md'), 'utf8')).toBe(devicesMarkdown());
});
