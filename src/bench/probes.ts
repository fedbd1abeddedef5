/**
 * Real boots per minute: the CI's source-built set (s390x ccw, Linux 6.1 per strategy) booted
 * one at a time and then with one guest per core, beside the time each kernel took to build
 * (a cache hit, or the incremental build of one strategy). Skipped when the probe dependencies
 * or the kernel sources are not installed.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildKernel } from '../kernels/build';
import { findInstalled } from '../probe/installed';
import { probe } from '../probe/run';

export async function benchProbes(): Promise<void> {
  console.log('\n== probes: real boots under QEMU TCG');
  const installed = findInstalled();
  if (!installed) {
    console.log('skipped: probe dependencies not installed (npm run probe:install)');
    return;
  }
  const set = JSON.parse(readFileSync(join(__dirname, '..', '..', 'probe', 'ci-built-set.json'), 'utf8')) as { strategy: string }[];
  for (const strategy of new Set(set.map((c) => c.strategy))) {
    try {
      const t = Date.now();
      const { cached } = await buildKernel({ series: '6.1', arch: 's390x', strategy, installDeps: false });
      console.log(`kernel 6.1 s390x ${strategy}: ${cached ? 'cached' : 'built'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } catch (err) {
      console.log(`skipped: ${(err as Error).message}`);
      return;
    }
  }
  const ready = findInstalled()!;
  const boots = [...set, ...set];
  for (const concurrency of [1, cpus().length]) {
    const t = Date.now();
    const results = await probe(boots, ready, { concurrency });
    const minutes = (Date.now() - t) / 60_000;
    const agree = results.filter((r) => 'agree' in r && r.agree).length;
    console.log(`${boots.length} boots, ${concurrency} at once: ${(boots.length / minutes).toFixed(1)} boots/min (${((minutes * 60) / boots.length).toFixed(2)} s each), ${agree} agree with the engine`);
  }
}
