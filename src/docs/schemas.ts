/**
 * schemas/*.v1.json, generated from the zod schemas the engine checks definitions with
 * (src/engine/profiles/schema.ts). `npm run schemas` writes them; a test fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { kernelPatchSchema, qemuChangeSchema, SCHEMA_VERSION } from '../engine/profiles/schema';

const BASE = 'https://github.com/virtio-matrix/virtio-matrix/schemas';

function jsonSchema(schema: z.ZodType, name: string, title: string): string {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'throw' });
  return JSON.stringify({ ...generated, $id: `${BASE}/${name}.v${SCHEMA_VERSION}.json`, title }, null, 2) + '\n';
}

/** File name under schemas/ → its text. */
export function schemaFiles(): Record<string, string> {
  return {
    [`kernel-patch.v${SCHEMA_VERSION}.json`]: jsonSchema(kernelPatchSchema, 'kernel-patch', 'virtio-matrix kernel patch'),
    [`qemu-change.v${SCHEMA_VERSION}.json`]: jsonSchema(qemuChangeSchema, 'qemu-change', 'virtio-matrix QEMU change'),
  };
}

if (require.main === module) {
  const dir = join(__dirname, '..', '..', 'schemas');
  for (const [name, text] of Object.entries(schemaFiles())) writeFileSync(join(dir, name), text);
}
