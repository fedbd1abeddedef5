/** The `virtio-matrix` command line. Exit status: 0 done, 2 bad input (JSON error on stderr), 1 internal error. */
import { Command } from 'commander';
import { StoreError } from '../db/store-check';
import type { ExportInput } from './export-command';
import type { GateInput } from './gate-command';
import { CliError } from './input';

const STD_IO = { stdout: (l: string) => process.stdout.write(l + '\n'), stderr: (l: string) => process.stderr.write(l + '\n') };

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

/** Every command that opens the store takes the same --db: a path or either backend's URL, as DATABASE_URL. */
const DB_HELP = 'the store: a SQLite file, or a URL (file:PATH, postgresql://…); default $DATABASE_URL or ./data/virtio-matrix.db';

/** `explain` is read by a person, not parsed by CI: the same errors and exit status, as a sentence. */
function failInWords(err: unknown): never {
  if (!(err instanceof CliError)) fail(err);
  process.stderr.write(`virtio-matrix explain: ${err.message} (${err.code})\n`);
  process.exit(2);
}

const PATCHES_HELP = 'JSON file with proposed kernel patches (one definition or an array, schemas/kernel-patch.v1.json); a kernel value BASE+ID applies them';

/**
 * Each command loads its own modules when it runs: a `run` needs neither Apollo nor Express nor
 * the probe runner, and loading everything up front cost every command about a second.
 */
export function buildProgram(): Command {
  const program = new Command('virtio-matrix')
    .description('Regression tests for virtio feature negotiation: simulate Linux drivers against QEMU devices, byte by byte.')
    .showHelpAfterError();

  program
    .command('evaluate')
    .description('Evaluate one combination (object) or a batch (array); print outcome(s) as JSON, in input order.')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .option('--patches <file>', PATCHES_HELP)
    .option('--no-trace', 'leave out the step-by-step trace')
    .option('--compact', 'one line of JSON instead of indented')
    .action(async (opts: { input: string; patches?: string; trace: boolean; compact?: boolean }) => {
      try {
        const { evaluateInput } = await import('./evaluate-command');
        const { batch, outcomes } = evaluateInput(opts.input, opts.trace, opts.patches);
        process.stdout.write(JSON.stringify(batch ? outcomes : outcomes[0], null, opts.compact ? 0 : 2) + '\n');
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('explain')
    .description('Print the same outcome(s) as a readable step-by-step trace.')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .option('--patches <file>', PATCHES_HELP)
    .action(async (opts: { input: string; patches?: string }) => {
      try {
        const { evaluateInput } = await import('./evaluate-command');
        const { explainOutcome } = await import('./explain');
        const { outcomes } = evaluateInput(opts.input, true, opts.patches);
        process.stdout.write(outcomes.map(explainOutcome).join('\n\n' + '-'.repeat(72) + '\n\n') + '\n');
      } catch (err) {
        failInWords(err);
      }
    });

  program
    .command('serve')
    .description('Start the GraphQL service on the store (SQLite file or PostgreSQL; migrations applied, seed matrix present). Mutations and uploads need an API token (see `token create`); READS_REQUIRE_TOKEN=1 makes reads need one too.')
    .option('-p, --port <port>', 'port (default $PORT or 4000)')
    .option('--host <host>', 'address to bind (default $HOST or 127.0.0.1)')
    .option('--db <path|url>', DB_HELP)
    .option('--redis <url>', 'hand runs to `virtio-matrix worker` processes through this Redis (default $REDIS_URL; unset: runs execute in this process)')
    .action(async (opts: { port?: string; host?: string; db?: string; redis?: string }) => {
      try {
        const { serve } = await import('./service-commands');
        await serve(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('run')
    .description('Run a matrix without a server: progress on a terminal, a JSON summary last. With --kernel, a probe run: every probeable cell booted under QEMU on that kernel and compared with the engine.')
    .requiredOption('-m, --matrix <name>', 'matrix name, e.g. be-config-2021')
    .option('--db <path|url>', DB_HELP)
    .option('--redis <url>', 'let `virtio-matrix worker` processes execute it through this Redis (default $REDIS_URL; probe runs too: the workers boot, ARTIFACT_DIR shared with them)')
    .option('-k, --kernel <file|id>', 'probe run: a kernel image (registered first; needs --arch and --linux) or a registered artifact id')
    .option('-a, --arch <arch>', 'probe run: the kernel image\'s arch (s390x, x86_64)')
    .option('--linux <version>', 'probe run: the Linux version the image is based on (6.1.192); the engine predicts at it')
    .option('--strategy <name>', 'probe run: the strategy the image corresponds to (default as-shipped)')
    .option('-j, --jobs <n>', 'probe run: guests booted at once (default: the number of cores)')
    .option('--boot-timeout <seconds>', 'probe run: seconds one boot may take before it counts as an infrastructure failure (default 120)')
    .option('--fail-on <verdicts>', 'exit 1 when cells are this bad: broken (BROKEN or PROBE_FAILED) or degraded (also DEGRADED); default: exit 0 whatever the verdicts (engine runs; a probe run exits 1 on any disagreement or failed boot)')
    .action(async (opts: { matrix: string; db?: string; redis?: string; failOn?: string; kernel?: string; arch?: string; linux?: string; strategy?: string; jobs?: string; bootTimeout?: string }) => {
      try {
        if (opts.kernel) await (await import('./probe-run-command')).probeRun({ ...opts, kernel: opts.kernel });
        else {
          // Not service-commands' redisUrl(): loading that module (Prisma) is what the threads start ahead of; it checks the URL next.
          const threads = (await import('./early-threads')).earlyShardThreads(opts.matrix, opts.redis ?? process.env.REDIS_URL);
          await (await import('./service-commands')).runMatrix(opts, threads);
        }
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('gate')
    .description('Wait for a run on a server, then pass or fail CI on it: exit 0 pass, 1 fail (BROKEN or PROBE_FAILED cells; with --baseline, regressions against it), 2 usage or infrastructure error. A JSON summary on stdout, progress on stderr.')
    .option('--server <url>', 'the virtio-matrix server, e.g. http://127.0.0.1:4000 (required)')
    .option('--run <id>', 'the run to wait for and judge (required)')
    .option('--token <token>', 'sent as Authorization: Bearer <token>')
    .option('--baseline <id|last>', 'fail on regressions against this run instead; last: the newest succeeded run of the same matrix before this one')
    .option('--junit <file>', 'write the JUnit XML report here')
    .option('--timeout <seconds>', 'give up (exit 2) when the run has not finished by then', '3600')
    .option('--interval <seconds>', 'seconds between polls', '2')
    // Usage errors exit 2 like every other bad input of this command (commander's own default is 1).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (opts: GateInput) => {
      const { gate } = await import('./gate-command');
      process.exitCode = await gate(opts, STD_IO);
    });

  program
    .command('worker')
    .description('Execute runs queued in Redis by `serve` or `run` (scale-out: any number of workers, one shared PostgreSQL store).')
    .option('--db <path|url>', 'the shared store (default $DATABASE_URL, normally postgresql://… for workers)')
    .option('--redis <url>', 'Redis holding the run queue (default $REDIS_URL)')
    .option('-c, --concurrency <n>', 'engine shards in flight in this process (default 2: one evaluates while the other commits; the engine is CPU-bound, run one worker per core); probe runs: guests booted at once (default: the cores)')
    .action(async (opts: { db?: string; redis?: string; concurrency?: string }) => {
      try {
        const { worker } = await import('./service-commands');
        await worker(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('probe')
    .description('Boot combinations under real QEMU with a real Linux guest (Debian\'s packaged kernel, or one built from source for any strategy) and compare with the engine (scripts/install-probe-deps.sh first).')
    .requiredOption('-i, --input <file>', 'JSON file with a combination or an array of them; "-" for stdin')
    .option('--record <dir>', 'write each boot as a fixture (raw report, QMP, command, packages)')
    .option('--no-build', 'do not build missing source-built kernels (Linux 6.1/6.12, any strategy); report them as not probeable')
    .option('-j, --jobs <n>', 'boots at once (default: the number of cores)')
    .action(async (opts: { input: string; record?: string; build: boolean; jobs?: string }) => {
      try {
        const { probeCommand } = await import('./probe-command');
        await probeCommand(opts);
      } catch (err) {
        fail(err);
      }
    });

  const kernels = program.command('kernels').description('Linux guest kernels built from Debian\'s source, one per fix strategy (cached by their inputs).');
  kernels
    .command('build')
    .description('Build (or find in the cache) a guest kernel: tinyconfig + kernels/config, the strategy\'s patches from kernels/patches/SERIES.')
    .requiredOption('-s, --series <series>', 'Linux series from Debian\'s linux-source-X.Y: 6.1 or 6.12')
    .requiredOption('-a, --arch <arch>', 's390x (big-endian) or x86_64 (little-endian control); a comma list builds several')
    .option('--strategy <name>', 'as-shipped, pre-fix, revert, write-back, ack-all; a comma list, or all', 'as-shipped')
    .option('-j, --jobs <n>', 'make -j (default: the number of cores)')
    .option('--register', 'also register each image as a kernel artifact in the store (its id is printed as "artifact"), for run --kernel ID')
    .option('--db <path|url>', `with --register: ${DB_HELP}`)
    .action(async (opts: { series: string; arch: string; strategy: string; jobs?: string; register?: boolean; db?: string }) => {
      try {
        const { kernelsBuild } = await import('./kernels-command');
        await kernelsBuild(opts);
      } catch (err) {
        fail(err);
      }
    });
  kernels
    .command('list')
    .description('The kernels in the cache ($VIRTIO_MATRIX_KERNEL_CACHE or ~/.cache/virtio-matrix/kernels), newest first, as JSON.')
    .action(async () => (await import('./kernels-command')).kernelsList());

  const artifact = program.command('artifact').description('Kernel images for probe runs, stored by sha256 beside the store ($ARTIFACT_DIR; at most $ARTIFACT_MAX_BYTES, default 64 MiB).');
  artifact
    .command('add <file>')
    .description('Register a kernel image (virtio drivers built in, as `kernels build` makes them); prints its id (sha256). The same bytes give the same id.')
    .requiredOption('-a, --arch <arch>', 'its arch: s390x, x86_64, ...')
    .requiredOption('--linux <version>', 'the Linux version it is based on, e.g. 6.1.192')
    .option('--strategy <name>', 'the strategy it corresponds to: as-shipped, pre-fix, revert, write-back, ack-all')
    .option('--db <path|url>', DB_HELP)
    .action(async (file: string, opts: { arch: string; linux: string; strategy?: string; db?: string }) => {
      try {
        const { artifactAdd } = await import('./artifact-command');
        await artifactAdd(file, opts);
      } catch (err) {
        fail(err);
      }
    });
  artifact
    .command('list')
    .description('Registered kernel images, newest first, as JSON.')
    .option('--db <path|url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      try {
        const { artifactList } = await import('./artifact-command');
        await artifactList(opts);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('export')
    .description('A run\'s stored results as rows, streamed: one per evaluated position with its axis values, verdict, negotiated and cleared features and effective value (CSV with a header, or JSON lines), for whoever wants them in SQL or a spreadsheet.')
    .requiredOption('-r, --run <id>', 'run id')
    .requiredOption('-f, --format <format>', 'csv or jsonl')
    .option('-o, --out <file>', 'write to this file (complete or not at all) instead of stdout')
    .option('--db <file>', 'the server\'s store: SQLite file or URL (default $DATABASE_URL or ./data/virtio-matrix.db)')
    .action(async (opts: ExportInput) => {
      try {
        const { exportRun } = await import('./export-command');
        await exportRun(opts, { stdout: process.stdout, stderr: STD_IO.stderr });
      } catch (err) {
        fail(err);
      }
    });

  const runs = program.command('runs').description('Stored runs: retention.');
  runs
    .command('prune')
    .description('Keep the newest N finished runs of each matrix and delete the rest with their results (queued and running runs are never touched); print the deleted runs as JSON, then reclaim the space (VACUUM).')
    .requiredOption('-k, --keep <n>', 'finished runs to keep per matrix (0 deletes every finished run)')
    .option('-m, --matrix <name>', 'only this matrix')
    .option('--db <path|url>', DB_HELP)
    .action(async (opts: { keep: string; matrix?: string; db?: string }) => {
      try {
        const { runsPrune } = await import('./runs-command');
        await runsPrune(opts, STD_IO);
      } catch (err) {
        fail(err);
      }
    });

  const token = program.command('token').description('API tokens for the server: mutations and uploads need a run or admin token (Authorization: Bearer); reads too with READS_REQUIRE_TOKEN=1. Only a hash of each token is stored.');
  token
    .command('create')
    .description('Create a token and print it as the last line (it is shown once).')
    .requiredOption('-n, --name <name>', 'a name to list and revoke it by, e.g. ci-linux-next')
    .requiredOption('-s, --scope <scope>', 'read (queries and GET /api/*), run (also mutations and uploads) or admin (everything)')
    .option('--db <path|url>', DB_HELP)
    .action(async (opts: { name: string; scope: string; db?: string }) => {
      try {
        const { tokenCreate } = await import('./token-command');
        await tokenCreate(opts, STD_IO);
      } catch (err) {
        fail(err);
      }
    });
  token
    .command('list')
    .description('Tokens as JSON: id, name, scope, created, last used (never the secret).')
    .option('--db <path|url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      try {
        const { tokenList } = await import('./token-command');
        await tokenList(opts, STD_IO);
      } catch (err) {
        fail(err);
      }
    });
  token
    .command('revoke <name|id>')
    .description('Delete a token: requests carrying it are refused from then on.')
    .option('--db <path|url>', DB_HELP)
    .action(async (nameOrId: string, opts: { db?: string }) => {
      try {
        const { tokenRevoke } = await import('./token-command');
        await tokenRevoke(nameOrId, opts, STD_IO);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('profiles')
    .description('List the axis values the engine knows (archs, transports, devices, hypervisors, kernel patches, QEMU changes) as JSON; with a store, its user patches too.')
    .option('--db <file|url>', "the store whose user patches to list after the built-in ones (default $DATABASE_URL; neither: built-ins only)")
    .action(async (opts: { db?: string }) => {
      try {
        const { profilesCommand } = await import('./profiles');
        process.stdout.write(JSON.stringify(await profilesCommand(opts), null, 2) + '\n');
      } catch (err) {
        fail(err);
      }
    });

  return program;
}

export function main(argv: string[]): void {
  void buildProgram().parseAsync(argv);
}
