/** Properties over random valid combinations (fast-check). */
import fc from 'fast-check';
import {
  ARCH_NAMES, BACKENDS, DEVICE_NAMES, evaluate, HYPERVISORS, InvalidCombinationError, MODES, resolveCombination, STRATEGIES, TRANSPORT_NAMES,
  type CombinationInput,
} from '../../src/engine';

const KERNELS = ['4.10', '4.11', '4.14.252', '5.4.155', '5.10', '5.14', '5.14.13', '5.14.14', '5.15-rc5', '5.15-rc6', '5.15', '5.16', '5.16.15', '5.17', '6.1', '6.12'];

const combination: fc.Arbitrary<CombinationInput> = fc.record({
  arch: fc.constantFrom(...ARCH_NAMES),
  transport: fc.constantFrom(...TRANSPORT_NAMES),
  device: fc.constantFrom(...DEVICE_NAMES),
  mode: fc.constantFrom(...MODES),
  backend: fc.constantFrom(...BACKENDS),
  hypervisor: fc.constantFrom(...HYPERVISORS.map((h) => h.name)),
  kernel: fc.constantFrom(...KERNELS),
  strategy: fc.constantFrom(...STRATEGIES),
  hostArch: fc.option(fc.constantFrom(...ARCH_NAMES), { nil: undefined }),
  blkSize: fc.constantFrom(512, 1024, 4096, 65536),
  mtu: fc.integer({ min: 0, max: 65535 }),
}).map(({ blkSize, mtu, hostArch, ...c }): CombinationInput => {
  const config: Record<string, number> = c.device === 'blk' ? { blk_size: blkSize } : c.device === 'net' ? { mtu } : {};
  return { ...c, ...(hostArch ? { hostArch } : {}), config };
});

function isValid(c: CombinationInput): boolean {
  try {
    resolveCombination(c);
    return true;
  } catch (err) {
    if (err instanceof InvalidCombinationError) return false;
    throw err;
  }
}

const valid = combination.filter(isValid);
const params = { numRuns: 400 };

/**
 * A loop over reads or features passes when there are none: each property counts what it
 * checked, and the test asserts it checked something, so an engine that stopped reading config
 * (or negotiating) fails instead of passing vacuously.
 */
function checked() {
  let n = 0;
  return { add: (k: number) => { n += k; }, get count() { return n; } };
}

describe('invariants', () => {
  test('on a little-endian guest the driver always reads the device\'s true values', () => {
    const reads = checked();
    fc.assert(fc.property(valid.filter((c) => ['x86_64', 'aarch64', 'ppc64le'].includes(c.arch) && (c.hostArch === undefined || c.backend === 'qemu')), (c) => {
      const o = evaluate(c, { trace: false });
      for (const r of [...o.validateReads, ...o.probeReads]) expect(r.driverValue).toBe(r.deviceValue);
      reads.add(o.validateReads.length + o.probeReads.length);
    }), params);
    expect(reads.count).toBeGreaterThan(0);
  });

  test('ack-all never reads a value the device did not mean, when QEMU fills config', () => {
    const reads = checked();
    fc.assert(fc.property(valid.filter((c) => c.backend === 'qemu').map((c) => ({ ...c, strategy: 'ack-all' })), (c) => {
      const o = evaluate(c, { trace: false });
      for (const r of [...o.validateReads, ...o.probeReads]) expect(r.driverValue).toBe(r.deviceValue);
      reads.add(o.validateReads.length + o.probeReads.length);
    }), params);
    expect(reads.count).toBeGreaterThan(0);
  });

  test('after FEATURES_OK every read is right when QEMU fills config: probe reads never misread', () => {
    const reads = checked();
    fc.assert(fc.property(valid.filter((c) => c.backend === 'qemu'), (c) => {
      const o = evaluate(c, { trace: false });
      for (const r of o.probeReads) expect(r.driverValue).toBe(r.deviceValue);
      reads.add(o.probeReads.length);
    }), params);
    expect(reads.count).toBeGreaterThan(0);
  });

  test('a legacy device is read right by every strategy on every arch', () => {
    const reads = checked();
    fc.assert(fc.property(valid.filter((c) => c.mode === 'legacy' && c.backend === 'qemu'), (c) => {
      const o = evaluate(c, { trace: false });
      expect(o.negotiated).not.toContain('VIRTIO_F_VERSION_1');
      for (const r of o.validateReads) expect(r.driverValue).toBe(r.deviceValue);
      reads.add(o.validateReads.length);
    }), params);
    expect(reads.count).toBeGreaterThan(0);
  });

  test('PROBE_FAILED exactly when the driver set FAILED, OK/DEGRADED/BROKEN exactly when it reached DRIVER_OK', () => {
    fc.assert(fc.property(valid, (c) => {
      const o = evaluate(c, { trace: false });
      expect(o.deviceStatus.includes('FAILED')).toBe(o.verdict === 'PROBE_FAILED');
      expect(o.deviceStatus.includes('DRIVER_OK')).toBe(o.verdict !== 'PROBE_FAILED');
    }), params);
  });

  test('the driver never ends with a feature the device did not offer', () => {
    const features = checked();
    fc.assert(fc.property(valid, (c) => {
      const o = evaluate(c, { trace: false });
      for (const f of o.negotiated) expect(o.offered).toContain(f);
      features.add(o.negotiated.length);
    }), params);
    expect(features.count).toBeGreaterThan(0);
  });

  test('evaluating the same combination twice gives the same outcome', () => {
    fc.assert(fc.property(valid, (c) => {
      expect(evaluate(c)).toEqual(evaluate(c));
    }), { numRuns: 100 });
  });
});
