/**
 * `probe`: JSON results on stdout (one per combination); exit 1 when any boot disagrees with the
 * engine. Combinations on a source-built kernel (Linux 6.1 or 6.12, any strategy) whose kernel
 * is not in the cache are built first, unless `--no-build`: then they are "not probeable" with
 * the build command as the reason.
 */
import { cpus } from 'node:os';
import { findInstalled } from '../probe/installed';
import { planProbe, type MissingBuild } from '../probe/plan';
import { probe } from '../probe/run';
import { buildWithProgress } from './kernels-command';
import { CliError, readInput } from './input';

export interface ProbeCommandOptions {
  input: string;
  record?: string;
  build: boolean;
  jobs?: string;
}

export async function probeCommand(opts: ProbeCommandOptions): Promise<void> {
  const input = readInput(opts.input);
  const inputs = Array.isArray(input) ? input : [input];
  let installed = findInstalled();
  if (!installed) throw new CliError('INPUT_NOT_FOUND', 'probe dependencies are not installed: run scripts/install-probe-deps.sh');
  if (opts.build) {
    const missing = missingBuilds(inputs, installed);
    for (const m of missing) await buildWithProgress(m);
    if (missing.length) installed = findInstalled()!;
  }
  const concurrency = opts.jobs ? Number(opts.jobs) : cpus().length;
  const results = await probe(inputs, installed, { recordDir: opts.record, concurrency, log: (line) => process.stderr.write(line + '\n') });
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  const booted = results.filter((r) => r.probeable);
  const disagree = booted.filter((r) => !('agree' in r) || !r.agree);
  process.stderr.write(`${booted.length} booted, ${booted.length - disagree.length} agree, ${disagree.length} disagree, ${results.length - booted.length} not probeable\n`);
  if (disagree.length) process.exitCode = 1;
}

/** The source-built kernels the inputs need and the cache lacks, each once. */
export function missingBuilds(inputs: unknown[], installed: NonNullable<ReturnType<typeof findInstalled>>): MissingBuild[] {
  const seen = new Map<string, MissingBuild>();
  for (const input of inputs) {
    let plan;
    try {
      plan = planProbe(input, installed, installed.diskImage);
    } catch {
      continue; // a malformed combination is reported by the probe itself
    }
    if (!plan.probeable && plan.missingBuild) seen.set(JSON.stringify(plan.missingBuild), plan.missingBuild);
  }
  return [...seen.values()];
}
