/**
 * The engine against recorded boots of real Debian kernels under real QEMU 7.2 (fixtures in
 * test/fixtures/probes: raw guest report, QMP answers, command line, package versions). No boot
 * here: the recorded observations must match the engine's predictions bit for bit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CombinationInput } from '../../src/engine';
import { compare } from '../../src/probe/compare';
import { parseReport, type QmpStatus } from '../../src/probe/report';

interface Fixture {
  name: string;
  packages: Record<string, string>;
  command: string[];
  devices: Record<string, { combination: CombinationInput; virtio: string }>;
  report: string;
  qmp: Record<string, QmpStatus>;
}

const DIR = join(__dirname, '..', 'fixtures', 'probes');
const fixtures: Fixture[] = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')));
const cases = fixtures.flatMap((fx) => Object.entries(fx.devices).map(([qom, d]) => ({ fixture: fx, qom, ...d })));

test('the fixtures cover s390x ccw and x86_64 pci, legacy and modern, blk and net', () => {
  const seen = new Set(cases.map((c) => `${c.combination.arch}/${c.combination.mode}/${c.combination.device}`));
  for (const k of ['s390x/transitional/blk', 's390x/legacy/blk', 's390x/transitional/net', 's390x/legacy/net', 'x86_64/modern/blk', 'x86_64/legacy/net']) expect(seen).toContain(k);
});

test.each(cases.map((c) => [`${c.fixture.name} ${c.combination.device}`, c] as const))('%s: the engine predicts what the real guest and QEMU did', (_name, c) => {
  const report = parseReport(c.fixture.report);
  const device = report.devices.find((d) => d.deviceId === Number(c.virtio));
  expect(device).toBeDefined();
  const qmp = c.fixture.qmp[c.qom];
  expect(qmp['device-id']).toBe(Number(c.virtio));
  const result = compare(c.combination, device!, qmp);
  expect(result.differences).toEqual([]);
  expect(result.agree).toBe(true);
});

test('a legacy s390x device reports big-endian to QMP and the guest skips FEATURES_OK', () => {
  const fx = fixtures.find((f) => f.name === 's390x-ccw-blk-legacy-blk_size-4096')!;
  expect(fx.qmp.blk0['device-endian']).toBe('big');
  const blk = parseReport(fx.report).devices.find((d) => d.deviceId === 2)!;
  expect(blk.status).toBe(0x7);
  expect(blk.featureBits).not.toContain(32);
});

test('a disagreement is reported with the bits that differ', () => {
  const fx = fixtures.find((f) => f.name === 's390x-ccw-blk-transitional-blk_size-4096')!;
  const device = parseReport(fx.report).devices.find((d) => d.deviceId === 2)!;
  const tampered = { ...device, featureBits: device.featureBits.filter((b) => b !== 6), logicalBlockSize: 512 };
  const result = compare(fx.devices.blk0.combination, tampered, fx.qmp.blk0);
  expect(result.agree).toBe(false);
  expect(result.differences.join('\n')).toMatch(/negotiated bits/);
  expect(result.observed.verdict).toBe('BROKEN');
});
