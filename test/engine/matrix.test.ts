import fc from 'fast-check';
import { evaluate, InvalidCombinationError, MatrixPlan, matrixPositions, resolveCombination, Simulator, VERDICTS } from '../../src/engine';

const spec = {
  archs: ['x86_64', 's390x', 'ppc64'],
  transports: ['pci', 'ccw', 'mmio'],
  devices: ['blk', 'net', 'crypto', 'scmi'],
  modes: ['legacy', 'transitional', 'modern'],
  backends: ['qemu', 'vhost-user'],
  hypervisors: ['qemu-5.0', 'qemu-6.1', 'qemu-8.0', 'qemu-early-detect-rfc'],
  kernels: ['4.10', '5.14', '5.15', '5.17'],
  strategies: ['as-shipped', 'pre-fix', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096, 1000], mtu: [1280, 9000] },
};

describe('matrix plans', () => {
  const plan = new MatrixPlan(spec);

  test('each device takes the cross product of the config fields it has, one variant when it has none', () => {
    expect(plan.variants.map((v) => `${v.device.name}${JSON.stringify(v.config)}`)).toEqual([
      'blk{"blk_size":512}', 'blk{"blk_size":4096}', 'blk{"blk_size":1000}', 'net{"mtu":1280}', 'net{"mtu":9000}', 'crypto{}', 'scmi{}',
    ]);
    expect(plan.size).toBe(3 * 3 * 7 * 3 * 2 * 4 * 4 * 4);
  });

  test('every position is either a cell that evaluates like the same combination given alone, or skipped for the reason resolve gives', () => {
    const sim = new Simulator();
    let valid = 0;
    let skipped = 0;
    const visited = plan.forEachCell(0, plan.size, (cell, index) => {
      valid++;
      const alone = evaluate(plan.combinationAt(index), { trace: false });
      expect(VERDICTS[sim.run(cell)]).toBe(alone.verdict);
    }, (index, problem) => {
      skipped++;
      expect(() => resolveCombination(plan.combinationAt(index))).toThrow(InvalidCombinationError);
      try {
        resolveCombination(plan.combinationAt(index));
      } catch (err) {
        expect((err as InvalidCombinationError).field).toBe(problem.field);
      }
    });
    expect(visited).toBe(valid);
    expect(valid + skipped).toBe(plan.size);
    expect(valid).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(0);
  });

  test('a shard sees exactly the cells of its index range', () => {
    const seen: number[] = [];
    plan.forEachCell(1000, 1100, (_cell, index) => seen.push(index), (index) => seen.push(index));
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
  });

  test('an index maps back to its coordinates and combination', () => {
    const c = plan.combinationAt(plan.size - 1);
    expect(c).toMatchObject({ arch: 'ppc64', transport: 'mmio', device: 'scmi', mode: 'modern', backend: 'vhost-user', hypervisor: 'qemu-early-detect-rfc', kernel: '5.17', strategy: 'ack-all' });
  });

  test('unknown axis values and config fields no device has are rejected with the field named', () => {
    expect(() => new MatrixPlan({ ...spec, archs: ['vax'] })).toThrow(new InvalidCombinationError('archs', 'unknown arch "vax"; expected one of: x86_64, aarch64, ppc64le, ppc64, s390x'));
    expect(() => new MatrixPlan({ ...spec, config: { colour: [1] } })).toThrow(/config field "colour"/);
    expect(() => new MatrixPlan({ ...spec, kernels: [] })).toThrow(InvalidCombinationError);
  });

  test.each([
    ['archs', 'arch', 'vax'], ['transports', 'transport', 'usb'], ['devices', 'device', 'gpu'], ['modes', 'mode', 'hybrid'], ['backends', 'backend', 'vdpa'],
    ['hypervisors', 'hypervisor', 'qemu-1.0'], ['kernels', 'kernel', 'five'], ['strategies', 'strategy', 'hope'],
  ])('an unknown value in %s is refused with the words a single combination gets for %s', (specField, field, value) => {
    const single = (() => {
      try {
        resolveCombination({ arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', kernel: '5.14', [field]: value });
      } catch (err) {
        return err as InvalidCombinationError;
      }
      throw new Error('expected a refusal');
    })();
    expect(single.field).toBe(field);
    expect(() => new MatrixPlan({ ...spec, [specField]: [value] })).toThrow(new InvalidCombinationError(specField, single.reason));
  });

  test('a missing or empty value set names the axis and lists the values it takes', () => {
    const { modes: _modes, ...noModes } = spec;
    expect(() => new MatrixPlan(noModes)).toThrow(new InvalidCombinationError('modes', 'missing; expected a list of values from: legacy, transitional, modern'));
    expect(() => new MatrixPlan({ ...spec, kernels: [] })).toThrow(new InvalidCombinationError('kernels', 'empty; expected a list of values, each a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14), or BASE+ID to apply a proposed patch'));
  });
});

describe('matrix positions counted before planning', () => {
  const some = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
  const specs = fc.record({
    archs: some(['x86_64', 's390x', 'ppc64']),
    transports: some(['pci', 'ccw', 'mmio']),
    devices: some(['blk', 'net', 'crypto', 'console']),
    modes: some(['legacy', 'transitional', 'modern']),
    backends: some(['qemu', 'vhost-user']),
    hypervisors: some(['qemu-6.1', 'qemu-8.0']),
    kernels: some(['5.14', '5.15', '6.1']),
    strategies: some(['pre-fix', 'ack-all']),
    config: fc.record({ blk_size: some([512, 4096, 1000]), mtu: some([1280, 9000]), seg_max: some([1, 254]) }, { requiredKeys: [] }),
  }).filter((s) => Object.keys(s.config).every((field) => s.devices.includes(field === 'mtu' ? 'net' : 'blk')));

  test('the count from the value sets alone is the size of the plan those value sets make', () => {
    fc.assert(fc.property(specs, (s) => matrixPositions(s) === new MatrixPlan(s).size), { numRuns: 200 });
  });

  test('a matrix of 7 x 10^11 positions is counted at once, without expanding its config variants', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => 512 * (i + 1));
    const huge = { ...spec, devices: ['blk'], config: { blk_size: values(1000), seg_max: values(1000), size_max: values(7) } };
    const before = process.memoryUsage().heapUsed;
    // 3 archs x 3 transports x 7,000,000 blk variants x 3 modes x 2 backends x 4 hypervisors x 4 kernels x 4 strategies
    expect(matrixPositions(huge)).toBe(3 * 3 * 7_000_000 * 3 * 2 * 4 * 4 * 4);
    // Expanding 7 M variants would take hundreds of MB (an object each); counting takes none.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
  });

  test('a plan with thousands of config variants keeps its driver tables per device, not per variant', () => {
    const kernels = Array.from({ length: 1000 }, (_, i) => `5.${Math.floor(i / 50)}.${i % 50}`);
    const blkSizes = Array.from({ length: 4000 }, (_, i) => 512 * (i + 1));
    const before = process.memoryUsage().heapUsed;
    const big = new MatrixPlan({ ...spec, archs: ['x86_64'], transports: ['pci'], devices: ['blk'], modes: ['modern'], backends: ['qemu'], hypervisors: ['qemu-7.2'], kernels, strategies: ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all'], config: { blk_size: blkSizes } });
    expect(big.size).toBe(20_000_000);
    // One table entry per (kernel, strategy, variant) would be 20 M entries, 160 MB of pointers alone.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  test('a device name the engine does not know is refused naming the devices axis', () => {
    expect(() => matrixPositions({ ...spec, devices: ['floppy'] })).toThrow(expect.objectContaining({ field: 'devices' }));
  });
});
