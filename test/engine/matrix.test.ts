import { evaluate, InvalidCombinationError, MatrixPlan, resolveCombination, Simulator, VERDICTS } from '../../src/engine';

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
    expect(() => new MatrixPlan({ ...spec, archs: ['vax'] })).toThrow(/unknown value "vax"/);
    expect(() => new MatrixPlan({ ...spec, config: { colour: [1] } })).toThrow(/config field "colour"/);
    expect(() => new MatrixPlan({ ...spec, kernels: [] })).toThrow(InvalidCombinationError);
  });
});
