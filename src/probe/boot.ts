/**
 * Boot one planned probe: run QEMU, read the console until the guest's report ends, freeze the
 * guest and ask QMP what QEMU offered and what the driver wrote, let the guest power off.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { END } from './report';
import type { QmpStatus } from './report';

export interface BootResult {
  command: string[];
  console: string;
  /** x-query-virtio-status per device id (blk0, net0). */
  qmp: Record<string, QmpStatus>;
  seconds: number;
  exitCode: number | null;
  /** Killed at the timeout before it exited. */
  timedOut: boolean;
  /** QEMU could not be started (no such binary, ...). */
  spawnError?: string;
}

/** A minimal QMP client: one command at a time, events skipped. */
async function qmpSession(path: string, commands: { execute: string; arguments?: Record<string, unknown> }[]): Promise<unknown[]> {
  const socket = createConnection(path);
  const lines: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.includes('"event"')) continue;
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(line);
      } else lines.push(line);
    }
  });
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : (waiting = resolve)));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await next(); // greeting
  const answers: unknown[] = [];
  for (const cmd of [{ execute: 'qmp_capabilities' }, ...commands]) {
    socket.write(JSON.stringify(cmd) + '\n');
    answers.push(JSON.parse(await next()));
  }
  socket.end();
  return answers.slice(1);
}

export async function boot(binary: string, args: string[], timeoutSeconds = 240): Promise<BootResult> {
  const socketPath = join(tmpdir(), `virtio-matrix-qmp-${randomUUID().slice(0, 8)}.sock`);
  const command = [binary, ...args, '-qmp', `unix:${socketPath},server=on,wait=off`];
  const started = Date.now();
  // Its own process group, killed with this process: no guest outlives the probe that started it.
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killGroup);
  let console = '';
  const qmp: Record<string, QmpStatus> = {};
  let queried: Promise<void> | null = null;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutSeconds * 1000);
  const onOutput = (chunk: Buffer) => {
    console += chunk.toString('utf8');
    if (!queried && console.includes(END)) {
      queried = (async () => {
        const [, list] = (await qmpSession(socketPath, [{ execute: 'stop' }, { execute: 'x-query-virtio' }])) as [unknown, { return: { path: string }[] }];
        const paths = list.return.map((d) => d.path);
        const answers = await qmpSession(socketPath, [...paths.map((path) => ({ execute: 'x-query-virtio-status', arguments: { path } })), { execute: 'cont' }]);
        paths.forEach((path, i) => {
          const id = path.split('/')[3] ?? path; // /machine/peripheral/blk0/virtio-backend
          qmp[id] = (answers[i] as { return: QmpStatus }).return;
        });
      })().catch((err) => {
        console += `\n[qmp error: ${(err as Error).message}]\n`;
        child.kill('SIGKILL');
      });
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  let spawnError: string | undefined;
  const exitCode = await new Promise<number | null>((resolve) => {
    // 'close', not 'exit': the console's last lines may still be in the pipes when the process exits.
    child.on('close', (code) => resolve(code));
    // A binary that cannot start emits 'error' and never 'exit'.
    child.on('error', (err) => {
      spawnError = err.message;
      resolve(null);
    });
  });
  clearTimeout(timer);
  process.removeListener('exit', killGroup);
  if (queried) await queried;
  return { command, console: console.replace(/\r/g, ''), qmp, seconds: (Date.now() - started) / 1000, exitCode, timedOut, ...(spawnError ? { spawnError } : {}) };
}
