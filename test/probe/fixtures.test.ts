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
  /** Present when the guest kernel was built from source: its cache id, image hash and the strategy's patches. */
  sourceBuilt?: { id: string; linuxVersion: string; imageSha256: string; patches: string[] };
  packages: Record<string, string>;
  command: string[];
  devices: Record<string, { combination: CombinationInput; virtio: string }>;
  report: string;
  qmp: Record<string, QmpStatus>;
}

const DIR = join(__dirname, '..', 'fixtures', 'probes');
/** Boots of Debian's packaged kernels (probe/standard-set.json) and of kernels built from source per strategy (probe/table-2021.json, in built/). */
const read = (dir: string): Fixture[] => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const fixtures: Fixture[] = [...read(DIR), ...read(join(DIR, 'built'))];
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

describe('the 2021 table on kernels built from source (Linux 6.1 from Debian, QEMU 7.2)', () => {
  const built = fixtures.filter((f) => f.sourceBuilt);
  const combo = (f: Fixture) => Object.values(f.devices)[0].combination;
  const find = (arch: string, device: string, mode: string, strategy: string, config: Record<string, number>) =>
    built.find((f) => { const c = combo(f); return c.arch === arch && c.device === device && c.mode === mode && c.strategy === strategy && JSON.stringify(c.config) === JSON.stringify(config); });

  test('every strategy, mode and value of the table was booted on s390x ccw and on x86_64 pci', () => {
    const missing: string[] = [];
    for (const [arch] of [['s390x'], ['x86_64']]) for (const strategy of ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all']) for (const mode of ['transitional', 'legacy']) {
      for (const mtu of [60, 68, 256, 1280, 1500, 4096, 9000, 65535]) if (!find(arch, 'net', mode, strategy, { mtu })) missing.push(`${arch} net ${mode} ${strategy} mtu ${mtu}`);
      for (const blk_size of [512, 1024, 4096, 8192]) if (!find(arch, 'blk', mode, strategy, { blk_size })) missing.push(`${arch} blk ${mode} ${strategy} blk_size ${blk_size}`);
    }
    expect(missing).toEqual([]);
  });

  test('each source-built boot names the patches its strategy applied', () => {
    const patchesOf = (strategy: string) => built.find((f) => combo(f).strategy === strategy)!.sourceBuilt!.patches;
    expect(patchesOf('as-shipped')).toEqual([]);
    expect(patchesOf('pre-fix')).toEqual(['revert-4fa59ede9519.patch', '82e89ea077b9.patch']);
    expect(patchesOf('write-back')).toEqual(['revert-4fa59ede9519.patch', '82e89ea077b9.patch', '2f9a174f918e.patch']);
  });

  test('on a real pre-fix s390x guest, host_mtu 1280 loses VIRTIO_NET_F_MTU (bit 3) and the interface runs at 1500', () => {
    const fx = find('s390x', 'net', 'transitional', 'pre-fix', { mtu: 1280 })!;
    const net = parseReport(fx.report).devices.find((d) => d.deviceId === 1)!;
    expect(net.featureBits).not.toContain(3);
    expect(net.mtu).toBe(1500);
    const shipped = parseReport(find('s390x', 'net', 'transitional', 'as-shipped', { mtu: 1280 })!.report).devices.find((d) => d.deviceId === 1)!;
    expect(shipped.featureBits).toContain(3);
    expect(shipped.mtu).toBe(1280);
  });

  test('on a real pre-fix s390x guest a 4096-byte disk runs with 512-byte blocks; the write-back fixes it; legacy is right in every strategy', () => {
    const lbs = (mode: string, strategy: string) => parseReport(find('s390x', 'blk', mode, strategy, { blk_size: 4096 })!.report).devices.find((d) => d.deviceId === 2)!.logicalBlockSize;
    expect(lbs('transitional', 'pre-fix')).toBe(512);
    expect(lbs('transitional', 'write-back')).toBe(4096);
    for (const strategy of ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all']) expect(lbs('legacy', strategy)).toBe(4096);
  });
});

test('Linux 6.12 built from source shows the same 2021 rows on s390x: pre-fix loses VIRTIO_NET_F_MTU at 1280, the write-back keeps it', () => {
  const on612 = fixtures.filter((f) => f.sourceBuilt?.linuxVersion.startsWith('6.12.'));
  expect(on612.length).toBeGreaterThanOrEqual(50);
  const net = (strategy: string) => {
    const fx = on612.find((f) => { const c = Object.values(f.devices)[0].combination; return c.device === 'net' && c.mode === 'transitional' && c.strategy === strategy && c.config?.mtu === 1280; })!;
    return parseReport(fx.report).devices.find((d) => d.deviceId === 1)!;
  };
  expect(net('pre-fix').featureBits).not.toContain(3);
  expect(net('pre-fix').mtu).toBe(1500);
  expect(net('write-back').featureBits).toContain(3);
  expect(net('write-back').mtu).toBe(1280);
});
