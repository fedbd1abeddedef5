/**
 * Real boots: the small CI set (s390x ccw blk and net, transitional and legacy) under QEMU with
 * Debian's s390x kernel. Runs when VIRTIO_MATRIX_PROBES=1 (.ci/run sets it after installing the
 * probe dependencies); each boot takes about 5 s under TCG.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findInstalled } from '../../src/probe/installed';
import { probe } from '../../src/probe/run';

const enabled = process.env.VIRTIO_MATRIX_PROBES === '1';
const maybe = enabled ? test : test.skip;

maybe('When the CI probe set boots for real, then every guest agrees with the engine bit for bit', async () => {
  const installed = findInstalled();
  expect(installed).not.toBeNull();
  const set = JSON.parse(readFileSync(join(__dirname, '..', '..', 'probe', 'ci-set.json'), 'utf8'));
  const results = await probe(set, installed!);
  expect(results).toHaveLength(4);
  for (const r of results) {
    expect(r.probeable).toBe(true);
    expect(r).toMatchObject({ agree: true, differences: [] });
  }
}, 300_000);
