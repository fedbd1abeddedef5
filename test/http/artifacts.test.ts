/** Kernel artifacts through HTTP against a real store and artifact directory: "When …, then …". */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './helpers';

const LIMIT = 4096;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxArtifactBytes: LIMIT });
});
afterAll(async () => {
  await server.dispose();
});

async function put(query: string, body: Uint8Array) {
  const res = await fetch(`${server.url}/api/artifacts?${query}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream', ...server.auth } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: Record<string, unknown> } };
}

async function listed() {
  return (await (await fetch(`${server.url}/api/artifacts`)).json()) as { id: string }[];
}

test('When an image is PUT, then its id is the sha256 of its bytes, the bytes are stored under it, and the same bytes again give the same id', async () => {
  const image = randomBytes(3000);
  const sha256 = createHash('sha256').update(image).digest('hex');
  const first = await put('arch=s390x&linux=6.1.192&strategy=pre-fix', image);
  expect(first).toEqual({ status: 201, json: expect.objectContaining({ id: sha256, arch: 's390x', linux: '6.1.192', strategy: 'pre-fix', bytes: 3000 }) });
  expect(readFileSync(join(server.artifactDir, sha256)).equals(image)).toBe(true);
  const again = await put('arch=s390x&linux=6.1.192&strategy=pre-fix', image);
  expect(again.status).toBe(200);
  expect(again.json.id).toBe(sha256);
  expect((await listed()).filter((a) => a.id === sha256)).toHaveLength(1);
  const gql = await server.gql<{ kernelArtifacts: { id: string; strategy: string }[] }>('{ kernelArtifacts { id arch linux strategy bytes } }');
  expect(gql.data!.kernelArtifacts).toContainEqual({ id: sha256, arch: 's390x', linux: '6.1.192', strategy: 'pre-fix', bytes: 3000 });
});

test('When the same bytes are declared as another Linux version, then 409 CONFLICT names what they are registered as', async () => {
  const image = randomBytes(100);
  expect((await put('arch=x86_64&linux=6.1.192', image)).status).toBe(201);
  const other = await put('arch=x86_64&linux=6.12.40', image);
  expect(other.status).toBe(409);
  expect(other.json.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('x86_64 Linux 6.1.192 as-shipped') });
});

test('When an image exceeds the limit, then 413 with a JSON error, and nothing is stored (no blob, no partial file, no record)', async () => {
  const before = await listed();
  const filesBefore = readdirSync(server.artifactDir);
  const res = await put('arch=s390x&linux=6.1.192', randomBytes(LIMIT + 1));
  expect(res.status).toBe(413);
  expect(res.json.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(String(LIMIT)) });
  expect(await listed()).toEqual(before);
  expect(readdirSync(server.artifactDir)).toEqual(filesBefore);
});

test('When a streamed body without a length exceeds the limit, then 413 too and no partial file is left', async () => {
  const filesBefore = readdirSync(server.artifactDir);
  const chunks = [randomBytes(LIMIT), randomBytes(LIMIT)];
  const body = new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  const res = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=6.1.192`, { method: 'PUT', body, headers: server.auth, duplex: 'half' } as RequestInit);
  expect(res.status).toBe(413);
  expect(readdirSync(server.artifactDir)).toEqual(filesBefore);
});

test.each([
  ['arch=vax&linux=6.1.192', 'arch'],
  ['linux=6.1.192', 'arch'],
  ['arch=s390x&linux=banana', 'linux'],
  ['arch=s390x&linux=6.1.192&strategy=yolo', 'strategy'],
])('When the declaration %s is wrong, then 400 BAD_USER_INPUT names %s and nothing is stored', async (query, field) => {
  const image = randomBytes(64);
  const res = await put(query, image);
  expect(res.status).toBe(400);
  expect(res.json.error).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(existsSync(join(server.artifactDir, createHash('sha256').update(image).digest('hex')))).toBe(false);
});
