/**
 * docker-compose.yml cannot be started here (no Docker daemon); these checks keep it true to the
 * code: commands the CLI has, URLs the store and queue accept, pointing at the services declared,
 * and a health check that passes against a real server.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main';
import { targetFor } from '../../src/db/adapters';
import { redisConnection } from '../../src/runs/redis/jobs';
import { startTestServer } from '../http/helpers';

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] } }>;

test('The compose service serves and its workers work, with commands the CLI has', () => {
  const commands = buildProgram().commands.map((c) => c.name());
  expect(services['virtio-matrix'].command!.slice(-1)).toEqual(['serve']);
  expect(services.worker.command!.slice(-1)).toEqual(['worker']);
  for (const name of ['virtio-matrix', 'worker']) expect(commands).toContain(services[name].command!.at(-1));
});

test('The service and workers share the compose PostgreSQL and Redis, through URLs the store and queue accept', () => {
  const pg = services.postgres.environment!;
  for (const name of ['virtio-matrix', 'worker']) {
    const env = services[name].environment!;
    const target = targetFor(env.DATABASE_URL);
    expect(target.provider).toBe('postgresql');
    const url = new URL(env.DATABASE_URL);
    expect([url.hostname, url.username, url.password, url.pathname.slice(1)]).toEqual(['postgres', pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
    expect(redisConnection(env.REDIS_URL)).toMatchObject({ url: env.REDIS_URL });
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
  }
});

test('Workers start after the service has migrated the store, and the health check passes against a real server on the port the service listens on', async () => {
  expect(services.worker.depends_on!['virtio-matrix']).toEqual({ condition: 'service_healthy' });
  const [kind, program, ...args] = services['virtio-matrix'].healthcheck!.test;
  expect([kind, program]).toEqual(['CMD', 'node']);
  const url = new URL(/http:\/\/[^'"]+/.exec(args.join(' '))![0]);
  expect(url.port).toBe(services['virtio-matrix'].environment!.PORT);
  // The same command, pointed at a server started here instead of the container's port.
  // Asynchronously: the server answers from this process's event loop.
  const check = (origin: string) => new Promise<number | null>((resolve) => {
    spawn(process.execPath, args.map((a) => a.replace(url.origin, origin)), { stdio: 'ignore', timeout: 10_000 }).on('exit', resolve);
  });
  const server = await startTestServer();
  try {
    expect(await check(server.url)).toBe(0);
  } finally {
    await server.dispose();
  }
  expect(await check(server.url)).toBe(1); // nothing listens there any more: the check notices
}, 30_000);
