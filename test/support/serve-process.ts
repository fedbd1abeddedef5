/**
 * `serve` as a real process on a SQLite file, as an operator starts it: a run token made with
 * the CLI first, then the server in a process group of its own, so that a test can end it and
 * anything it started with one kill of the group.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');

export interface ServeProcess {
  url: string;
  token: string;
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log: () => string;
  /** SIGTERM to the group, SIGKILL if it is still there after 10 s. */
  stop: () => Promise<void>;
}

export async function serveProcess(dbFile: string, env: Record<string, string> = {}, tokenName = 'ops'): Promise<ServeProcess> {
  const token = execFileSync(process.execPath, [BIN, 'token', 'create', '--name', tokenName, '--scope', 'run', '--db', dbFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: `file:${dbFile}`, REDIS_URL: '', ...env },
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const stop = async () => {
    if (!running()) return;
    process.kill(-proc.pid!, 'SIGTERM');
    const timer = setTimeout(() => { if (running()) process.kill(-proc.pid!, 'SIGKILL'); }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-proc.pid!, 'SIGKILL');
      reject(new Error(`serve did not start: ${out}`));
    }, 30_000);
    proc.stdout!.on('data', () => {
      const m = /"url":"([^"]+)".*"msg":"virtio-matrix listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`serve exited: ${out}`)));
  });
  return { url, token, proc, exited, log: () => out, stop };
}
