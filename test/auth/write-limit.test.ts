/** Mutations per token per minute, through the real server: the budget is per token, reads are not counted. */
import { mutationsPerMinute } from '../../src/auth/write-limit';
import { startTestServer } from '../http/helpers';

const matrix = (name: string) => ({ name, archs: ['x86_64'], transports: ['pci'], devices: ['blk'], modes: ['modern'], hypervisors: ['qemu-7.2'], kernels: ['6.1'], config: { blk_size: [4096] } });
const CREATE = 'mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }';

test('When a token has used its mutations for the minute, then the next is RATE_LIMITED (429, Retry-After) and stores nothing; another token and reads go on', async () => {
  const server = await startTestServer({ mutationsPerMinute: 3 });
  try {
    for (const name of ['m1', 'm2', 'm3']) expect((await server.gql(CREATE, { input: matrix(name) })).errors).toBeUndefined();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...server.auth }, body: JSON.stringify({ query: CREATE, variables: { input: matrix('m4') } }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.errors[0].message).toMatch(/has used its 3 mutations for this minute/);
    const other = await server.createToken('second-ci', 'run');
    expect((await server.gqlAs(other, CREATE, { input: matrix('m5') })).errors).toBeUndefined();
    const names = await server.gql<{ matrices: { edges: { node: { name: string } }[] } }>('{ matrices { edges { node { name } } } }');
    expect(names.errors).toBeUndefined();
    expect(names.data!.matrices.edges.map((e) => e.node.name).sort()).toEqual(['m1', 'm2', 'm3', 'm5']);
  } finally {
    await server.dispose();
  }
});

test('MUTATIONS_PER_MINUTE is a whole number, 0 for no limit, 120 by default', () => {
  expect(mutationsPerMinute({})).toBe(120);
  expect(mutationsPerMinute({ MUTATIONS_PER_MINUTE: '0' })).toBe(0);
  expect(() => mutationsPerMinute({ MUTATIONS_PER_MINUTE: 'lots' })).toThrow(/whole number/);
  expect(() => mutationsPerMinute({ MUTATIONS_PER_MINUTE: '-1' })).toThrow(/whole number/);
});
