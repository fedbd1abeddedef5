/** Start the real server on a temporary SQLite file, and talk to it over HTTP. */
import { testDatabase, type Backend } from '../support/databases';
import { startServer, type Running } from '../../src/http/server';

export interface TestServer extends Running {
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  dispose(): Promise<void>;
}

export async function startTestServer(options: { webhookSecret?: string; seed?: boolean; backend?: Backend } = {}): Promise<TestServer> {
  const db = await testDatabase(options.backend ?? 'sqlite', 'http');
  const running = await startServer({ databaseUrl: db.url, port: 0, seed: options.seed ?? false, webhookSecret: options.webhookSecret, logLevel: 'silent' });
  return {
    ...running,
    async gql(query, variables) {
      const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, ...((await res.json()) as object) };
    },
    async dispose() {
      await running.close();
      await db.drop();
    },
  };
}

export const SMALL_MATRIX = {
  name: 'small',
  description: 'two archs, blk and net, around the 2021 fix',
  archs: ['x86_64', 's390x'],
  transports: ['pci', 'ccw'],
  devices: ['blk', 'net'],
  modes: ['legacy', 'transitional'],
  hypervisors: ['qemu-6.1'],
  kernels: ['5.14', '5.15'],
  strategies: ['pre-fix', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};
