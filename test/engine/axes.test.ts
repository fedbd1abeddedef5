import { AXES, MatrixPlan, PLAN_COORDINATES, VARIANT_COORDINATE, configKey } from '../../src/engine';
import { buildSchema, type GraphQLEnumType, type GraphQLInputObjectType } from 'graphql';
import { typeDefs } from '../../src/graphql/sdl';

const spec = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net', 'rng'], modes: ['legacy', 'modern'], backends: ['qemu', 'vhost-user'],
  hypervisors: ['qemu-6.1', 'qemu-8.0'], kernels: ['5.14', '6.1'], strategies: ['pre-fix', 'write-back', 'ack-all'], config: { blk_size: [512, 4096], mtu: [1500] },
};

describe('the axis table', () => {
  test('each axis\'s plan coordinate holds the value its combination field has, at every position', () => {
    const plan = new MatrixPlan(spec);
    const labels = plan.labels();
    for (let p = 0; p < plan.size; p++) {
      const coords = plan.coordsOf(p);
      const c = plan.combinationAt(p);
      for (const axis of AXES) {
        const at = coords[axis.planIndex];
        if (axis.field === 'device') expect(plan.variants[at].device.name).toBe(c.device);
        else if (axis.field === 'config') expect(configKey(plan.variants[at].config)).toBe(configKey(c.config));
        else expect(labels[axis.planIndex][at]).toBe(String(c[axis.field]));
      }
      expect(plan.variantAt(p).device.name).toBe(c.device);
    }
  });

  test('every plan coordinate is some axis\'s, and only DEVICE and CONFIG share one (the device variant)', () => {
    expect([...new Set(AXES.map((a) => a.planIndex))].sort()).toEqual(PLAN_COORDINATES.map((_, i) => i));
    expect(AXES.filter((a) => a.planIndex === VARIANT_COORDINATE).map((a) => a.enumValue)).toEqual(['DEVICE', 'CONFIG']);
  });

  test('the GraphQL Axis enum and cell filter are the table\'s, in its order', () => {
    const schema = buildSchema(typeDefs);
    expect((schema.getType('Axis') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual(['ARCH', 'TRANSPORT', 'DEVICE', 'MODE', 'BACKEND', 'HYPERVISOR', 'KERNEL', 'STRATEGY', 'CONFIG']);
    expect(Object.keys((schema.getType('CellFilter') as GraphQLInputObjectType).getFields())).toEqual([...AXES.map((a) => a.field), 'verdict']);
  });
});
