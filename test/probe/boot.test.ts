/**
 * Real boots, when VIRTIO_MATRIX_PROBES=1 (.ci/run sets it after installing the probe and kernel
 * build dependencies): the small CI set on Debian's s390x kernel, and a set on s390x kernels
 * built from Debian's 6.1 source per strategy (built here if the cache lacks them: about 5 min
 * the first time, seconds per strategy after that). Each boot takes 2-5 s under TCG.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKernel } from '../../src/kernels/build';
import { findInstalled } from '../../src/probe/installed';
import { probe } from '../../src/probe/run';

const enabled = process.env.VIRTIO_MATRIX_PROBES === '1';
const maybe = enabled ? test : test.skip;
const set = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'probe', name), 'utf8')) as { strategy?: string; config: Record<string, number> }[];

maybe('When the CI probe set boots for real, then every guest agrees with the engine bit for bit', async () => {
  const installed = findInstalled();
  expect(installed).not.toBeNull();
  const results = await probe(set('ci-set.json'), installed!, { concurrency: 2 });
  expect(results).toHaveLength(4);
  for (const r of results) {
    expect(r.probeable).toBe(true);
    expect(r).toMatchObject({ agree: true, differences: [] });
  }
}, 300_000);

maybe('When kernels built from source boot for real, then the pre-fix s390x guest loses VIRTIO_NET_F_MTU and every guest agrees with the engine', async () => {
  const combos = set('ci-built-set.json');
  for (const strategy of new Set(combos.map((c) => c.strategy!))) await buildKernel({ series: '6.1', arch: 's390x', strategy });
  const results = await probe(combos, findInstalled()!, { concurrency: 2 });
  for (const r of results) {
    expect(r).toMatchObject({ probeable: true, agree: true, differences: [] });
  }
  const preFixNet = results[0];
  if (!('observed' in preFixNet)) throw new Error('the pre-fix net boot has no observation');
  expect(preFixNet.sourceBuilt?.patches).toEqual(['revert-4fa59ede9519.patch', '82e89ea077b9.patch']);
  expect(preFixNet.observed.negotiatedBits).not.toContain(3); // VIRTIO_NET_F_MTU
  expect(preFixNet.observed).toMatchObject({ guestValue: 1500, verdict: 'BROKEN' });
  const shipped = results[1];
  expect('observed' in shipped && shipped.observed).toMatchObject({ guestValue: 1280, verdict: 'OK' });
}, 40 * 60_000);
