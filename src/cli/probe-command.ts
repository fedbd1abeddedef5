/** `probe`: JSON results on stdout (one per combination); exit 1 when any boot disagrees with the engine. */
import { findInstalled } from '../probe/installed';
import { probe } from '../probe/run';
import { CliError, readInput } from './input';

export async function probeCommand(opts: { input: string; record?: string }): Promise<void> {
  const input = readInput(opts.input);
  const inputs = Array.isArray(input) ? input : [input];
  const installed = findInstalled();
  if (!installed) throw new CliError('INPUT_NOT_FOUND', 'probe dependencies are not installed: run scripts/install-probe-deps.sh');
  const results = await probe(inputs, installed, opts.record, (line) => process.stderr.write(line + '\n'));
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  const booted = results.filter((r) => r.probeable);
  const disagree = booted.filter((r) => !('agree' in r) || !r.agree);
  process.stderr.write(`${booted.length} booted, ${booted.length - disagree.length} agree, ${disagree.length} disagree, ${results.length - booted.length} not probeable\n`);
  if (disagree.length) process.exitCode = 1;
}
