/**
 * Reality against the engine: what the guest and QEMU observed for one device, beside the
 * engine's outcome for the same combination. Agreement is bit for bit on the negotiated and
 * offered features, the device status, the guest value (logical block size, MTU) and the verdict.
 */
import { evaluate, featureBit, type CombinationInput, type Outcome, type Verdict } from '../engine';
import { DEVICES } from '../engine/profiles/devices';
import type { DeviceName } from '../engine/profiles/types';
import { STATUS } from '../engine/profiles/common-features';
import { qmpFeatures, type GuestDevice, type QmpStatus } from './report';

export interface Observation {
  negotiatedBits: number[];
  offeredBits: number[] | null;
  status: number;
  guestValue: number | null;
  verdict: Verdict;
}

export interface Comparison {
  combination: CombinationInput;
  observed: Observation;
  predicted: Observation;
  agree: boolean;
  differences: string[];
}

/** What sysfs shows for each guest value the device profiles declare (blk logical_block_size, net mtu). */
const SYSFS_VALUE: Record<string, (d: GuestDevice) => number | undefined> = {
  logical_block_size: (d) => d.logicalBlockSize,
  mtu: (d) => d.mtu,
};

/** The device's declared guest value (field, feature, when it breaks) and what the guest reports for it. */
function guestValue(c: CombinationInput, d: GuestDevice) {
  const gv = DEVICES[c.device as DeviceName]?.guestValues[0];
  if (!gv) return null;
  return { gv, used: SYSFS_VALUE[gv.name]?.(d), meant: c.config?.[gv.field] };
}

function bitsOfNames(device: string, names: readonly string[]): number[] {
  return names.map((n) => {
    const bit = featureBit(device as DeviceName, n);
    if (bit === undefined) throw new Error(`no bit known for ${n} on ${device}`);
    return bit;
  }).sort((a, b) => a - b);
}

/** The verdict a real boot shows: the engine's rules (device profile guest values) applied to what the guest reports. */
function observedVerdict(c: CombinationInput, d: GuestDevice, offered: number[] | null): Verdict {
  if (d.driver === 'none' || (d.status & STATUS.FAILED) !== 0 || (d.status & STATUS.DRIVER_OK) === 0) return 'PROBE_FAILED';
  const v = guestValue(c, d);
  if (!v || typeof v.meant !== 'number' || v.used === undefined) return 'OK';
  if (v.gv.breaksWhen === 'differs' ? v.used !== v.meant : v.used > v.meant) return 'BROKEN';
  // The config field's feature offered by QEMU but not negotiated: dropped because of the value.
  const bit = featureBit(c.device as DeviceName, v.gv.feature)!;
  if (offered && offered.includes(bit) && !d.featureBits.includes(bit)) return 'DEGRADED';
  return 'OK';
}

export function observe(c: CombinationInput, d: GuestDevice, qmp: QmpStatus | null): Observation {
  let offered: number[] | null = null;
  if (qmp) {
    const host = qmpFeatures(qmp['host-features']);
    offered = [...bitsOfNames(c.device, host.names), ...host.unknownBits].sort((a, b) => a - b);
  }
  return { negotiatedBits: d.featureBits, offeredBits: offered, status: d.status, guestValue: guestValue(c, d)?.used ?? null, verdict: observedVerdict(c, d, offered) };
}

export function predict(c: CombinationInput): { outcome: Outcome; observation: Observation } {
  const outcome = evaluate(c, { trace: false });
  const status = outcome.deviceStatus.reduce((s, name) => s | STATUS[name as keyof typeof STATUS], 0);
  // A driver whose probe failed registers no disk or interface: there is no value to see.
  const guestValue = outcome.verdict === 'PROBE_FAILED' ? null : Object.values(outcome.effective)[0] ?? null;
  return {
    outcome,
    observation: {
      negotiatedBits: bitsOfNames(c.device, outcome.negotiated),
      offeredBits: bitsOfNames(c.device, outcome.hostFeatures),
      status,
      guestValue,
      verdict: outcome.verdict,
    },
  };
}

export function compare(c: CombinationInput, d: GuestDevice, qmp: QmpStatus | null): Comparison {
  const observed = observe(c, d, qmp);
  const { observation: predicted } = predict(c);
  const differences: string[] = [];
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const list = (bits: readonly number[]) => bits.join(',');
  if (!same(observed.negotiatedBits, predicted.negotiatedBits)) differences.push(`negotiated bits: guest ${list(observed.negotiatedBits)}, engine ${list(predicted.negotiatedBits)}`);
  if (observed.offeredBits && !same(observed.offeredBits, predicted.offeredBits!)) differences.push(`offered bits: QEMU ${list(observed.offeredBits)}, engine ${list(predicted.offeredBits!)}`);
  if (observed.status !== predicted.status) differences.push(`status: guest 0x${observed.status.toString(16)}, engine 0x${predicted.status.toString(16)}`);
  if (observed.guestValue !== predicted.guestValue) differences.push(`guest value: guest ${observed.guestValue}, engine ${predicted.guestValue}`);
  if (observed.verdict !== predicted.verdict) differences.push(`verdict: guest ${observed.verdict}, engine ${predicted.verdict}`);
  return { combination: c, observed, predicted, agree: differences.length === 0, differences };
}

