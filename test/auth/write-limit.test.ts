/**
 * Mutations per token per minute, through the real server: the budget is per token, reads are not
 * counted; with Redis, one budget across every server of the deployment.
 */
import { mutationsPerMinute, WriteLimiter } from '../../src/auth/write-limit';
import type { Caller } from '../../src/auth/caller';
import { startServer, type Running } from '../../src/http/server';
import { DEFAULT_LIMITS } from '../../src/runs/limits';
import { testRedis } from '../support/redis';
import { startTestServer, type TestServer } from '../http/helpers';

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
  for (const typo of [' ', '0x10', '1e2', '12 ']) expect(() => mutationsPerMinute({ MUTATIONS_PER_MINUTE: typo })).toThrow(/whole number/);
});

describe('with REDIS_URL: two servers of one deployment (one store, one Redis)', () => {
  let first: TestServer;
  let second: Running;

  beforeAll(async () => {
    // Runs by workers through Redis: the deployment whose servers share REDIS_URL and its prefix.
    first = await startTestServer({ backend: 'postgresql', workers: true, mutationsPerMinute: 4 });
    const { redisUrl, redisPrefix } = first.deployment;
    second = await startServer({
      databaseUrl: first.db.url, port: 0, seed: false, logLevel: 'silent', redisUrl, redisPrefix,
      artifactDir: first.artifactDir, access: { reads: null, writes: 'run' }, mutationsPerMinute: 4, limits: DEFAULT_LIMITS,
    });
  }, 60_000);

  afterAll(async () => {
    await second.close();
    await first.dispose();
  });

  const create = async (url: string, token: string, name: string) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: CREATE, variables: { input: matrix(name) } }),
    });
    return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] } };
  };

  test('When a token spends its mutations half on each server, then the next one is RATE_LIMITED on either server, and another token goes on', async () => {
    for (const [i, url] of [first.url, second.url, first.url, second.url].entries()) {
      expect(await create(url, first.token, `shared-${i}`)).toMatchObject({ status: 200, body: { data: { createMatrix: { name: `shared-${i}` } } } });
    }
    for (const url of [first.url, second.url]) {
      const refused = await create(url, first.token, 'one-too-many');
      expect(refused.status).toBe(429);
      expect(refused.body.errors![0].extensions.code).toBe('RATE_LIMITED');
      expect(refused.body.errors![0].message).toMatch(/has used its 4 mutations for this minute \(MUTATIONS_PER_MINUTE, counted across all servers\)/);
    }
    const other = await first.createToken('other-ci', 'run');
    expect((await create(second.url, other, 'other-0')).status).toBe(200);
    const names = await first.gql<{ matrices: { totalCount: number } }>('{ matrices { totalCount } }');
    expect(names.data!.matrices.totalCount).toBe(5);
  });
});

describe('WriteLimiter', () => {
  const caller: Caller = { kind: 'token', id: '7', name: 'ci', scope: 'run' };

  test('When two limiters share a Redis key prefix, then they share one budget; under another prefix the budget is whole again', async () => {
    const redis = testRedis('limit');
    const a = new WriteLimiter(3, { redisUrl: redis.url, prefix: redis.prefix });
    const b = new WriteLimiter(3, { redisUrl: redis.url, prefix: redis.prefix });
    const elsewhere = new WriteLimiter(3, { redisUrl: redis.url, prefix: `${redis.prefix}-other` });
    try {
      expect(a.scope).toBe('redis');
      expect(await a.take(caller)).toBeNull();
      expect(await b.take(caller)).toBeNull();
      expect(await a.take(caller)).toBeNull();
      expect(await b.take(caller)).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(await elsewhere.take(caller)).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close(), elsewhere.close()]);
    }
  });

  test('When Redis cannot be reached, then each process counts its own (not refusing everything, not letting everything through) and says so once', async () => {
    const errors: Error[] = [];
    const limiter = new WriteLimiter(2, { redisUrl: 'redis://127.0.0.1:1', prefix: 'unreachable', onError: (err) => errors.push(err) });
    try {
      expect(await limiter.take(caller)).toBeNull();
      expect(await limiter.take(caller)).toBeNull();
      expect(await limiter.take(caller)).toMatchObject({ code: 'RATE_LIMITED' });
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/ECONNREFUSED/);
    } finally {
      await limiter.close();
    }
  }, 20_000);

  test('Without Redis it counts per process; 0 is no limit', async () => {
    expect(new WriteLimiter(5).scope).toBe('process');
    const none = new WriteLimiter(0);
    expect(none.scope).toBe('none');
    for (let i = 0; i < 10; i++) expect(await none.take(caller)).toBeNull();
  });
});
