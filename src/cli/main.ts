/** The `virtio-matrix` command line. Exit status: 0 done, 2 bad input (JSON error on stderr), 1 internal error. */
import { Command } from 'commander';
import { StoreError } from '../db/store-check';
import { evaluateInput } from './evaluate-command';
import { explainOutcome } from './explain';
import { CliError } from './input';
import { profilesSummary } from './profiles';
import { probeCommand } from './probe-command';
import { runMatrix, serve, worker } from './service-commands';

function fail(err: unknown): never {
  if (err instanceof CliError) {
    process.stderr.write(JSON.stringify(err.toJSON()) + '\n');
    process.exit(2);
  }
  if (err instanceof StoreError) {
    process.stderr.write(JSON.stringify({ error: { code: err.code, message: err.message, store: err.store, reason: err.reason } }) + '\n');
    process.exit(1);
  }
  process.stderr.write(JSON.stringify({ error: { code: 'INTERNAL', message: (err as Error).message } }) + '\n');
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command('virtio-matrix')
    .description('Regression tests for virtio feature negotiation: simulate Linux drivers against QEMU devices, byte by byte.')
    .showHelpAfterError();

  program
    .command('evaluate')
    .description('Evaluate one combination (object) or a batch (array); print outcome(s) as JSON, in input order.')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .option('--no-trace', 'leave out the step-by-step trace')
    .option('--compact', 'one line of JSON instead of indented')
    .action((opts: { input: string; trace: boolean; compact?: boolean }) => {
      try {
        const { batch, outcomes } = evaluateInput(opts.input, opts.trace);
        process.stdout.write(JSON.stringify(batch ? outcomes : outcomes[0], null, opts.compact ? 0 : 2) + '\n');
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('explain')
    .description('Print the same outcome(s) as a readable step-by-step trace.')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .action((opts: { input: string }) => {
      try {
        const { outcomes } = evaluateInput(opts.input, true);
        process.stdout.write(outcomes.map(explainOutcome).join('\n\n' + '-'.repeat(72) + '\n\n') + '\n');
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('serve')
    .description('Start the GraphQL service (embedded SQLite: migrations applied, seed matrix present).')
    .option('-p, --port <port>', 'port (default $PORT or 4000)')
    .option('--host <host>', 'address to bind (default $HOST or 127.0.0.1)')
    .option('--db <file>', 'SQLite file (default $DATABASE_URL or ./data/virtio-matrix.db)')
    .option('--redis <url>', 'hand runs to `virtio-matrix worker` processes through this Redis (default $REDIS_URL; unset: runs execute in this process)')
    .action(async (opts: { port?: string; host?: string; db?: string; redis?: string }) => {
      try {
        await serve(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('run')
    .description('Run a matrix without a server: progress on a terminal, a JSON summary last.')
    .requiredOption('-m, --matrix <name>', 'matrix name, e.g. be-config-2021')
    .option('--db <file>', 'SQLite file (default $DATABASE_URL or ./data/virtio-matrix.db)')
    .option('--redis <url>', 'let `virtio-matrix worker` processes execute it through this Redis (default $REDIS_URL)')
    .action(async (opts: { matrix: string; db?: string; redis?: string }) => {
      try {
        await runMatrix(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('worker')
    .description('Execute runs queued in Redis by `serve` or `run` (scale-out: any number of workers, one shared PostgreSQL store).')
    .option('--db <file>', 'SQLite file (default $DATABASE_URL, normally postgresql://… for workers)')
    .option('--redis <url>', 'Redis holding the run queue (default $REDIS_URL)')
    .option('-c, --concurrency <n>', 'jobs at once in this process (default 1: the engine is CPU-bound, run one worker per core)')
    .action(async (opts: { db?: string; redis?: string; concurrency?: string }) => {
      try {
        await worker(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('probe')
    .description('Boot combinations under real QEMU with a real Linux guest and compare with the engine (scripts/install-probe-deps.sh first).')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .option('--record <dir>', 'write each boot as a fixture (raw report, QMP, command, packages)')
    .action(async (opts: { input: string; record?: string }) => {
      try {
        await probeCommand(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('profiles')
    .description('List the axis values the engine knows (archs, transports, devices, hypervisors, kernel patches) as JSON.')
    .action(() => {
      process.stdout.write(JSON.stringify(profilesSummary(), null, 2) + '\n');
    });

  return program;
}

export function main(argv: string[]): void {
  void buildProgram().parseAsync(argv);
}
