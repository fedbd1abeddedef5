/**
 * Reality against the engine: what the guest and QEMU observed for one device, beside the
 * engine's outcome for the same combination. Agreement is bit for bit on the negotiated and
 * offered features, the device status, the guest value (logical block size, MTU) and the verdict.
 */
import { evaluate, featureBit, VERDICTS, type CombinationInput, type Outcome, type Verdict } from '../engine';
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

const GUEST_VALUE: Record<string, { field: string; value: (d: GuestDevice) => number | undefined; breaks: (used: number, meant: number) => boolean }> = {
  blk: { field: 'blk_size', value: (d) => d.logicalBlockSize, breaks: (used, meant) => used !== meant },
  net: { field: 'mtu', value: (d) => d.mtu, breaks: (used, meant) => used > meant },
};

function bitsOfNames(device: string, names: readonly string[]): number[] {
  return names.map((n) => {
    const bit = featureBit(device as never, n);
    if (bit === undefined) throw new Error(`no bit known for ${n} on ${device}`);
    return bit;
  }).sort((a, b) => a - b);
}

/** The verdict a real boot shows: the same rules the engine uses, applied to what the guest reports. */
function observedVerdict(c: CombinationInput, d: GuestDevice, offered: number[] | null): Verdict {
  if (d.driver === 'none' || (d.status & STATUS.FAILED) !== 0 || (d.status & STATUS.DRIVER_OK) === 0) return 'PROBE_FAILED';
  const rule = GUEST_VALUE[c.device];
  const meant = rule ? c.config?.[rule.field] : undefined;
  const used = rule?.value(d);
  if (rule && typeof meant === 'number' && used !== undefined && rule.breaks(used, meant)) return 'BROKEN';
  // A config field's feature offered by QEMU but not negotiated: dropped because of the value.
  if (rule && typeof meant === 'number' && offered) {
    const featureName = c.device === 'blk' ? 'VIRTIO_BLK_F_BLK_SIZE' : 'VIRTIO_NET_F_MTU';
    const bit = featureBit(c.device as never, featureName)!;
    if (offered.includes(bit) && !d.featureBits.includes(bit)) return 'DEGRADED';
  }
  return 'OK';
}

export function observe(c: CombinationInput, d: GuestDevice, qmp: QmpStatus | null): Observation {
  let offered: number[] | null = null;
  if (qmp) {
    const host = qmpFeatures(qmp['host-features']);
    offered = [...bitsOfNames(c.device, host.names), ...host.unknownBits].sort((a, b) => a - b);
  }
  const rule = GUEST_VALUE[c.device];
  return { negotiatedBits: d.featureBits, offeredBits: offered, status: d.status, guestValue: rule?.value(d) ?? null, verdict: observedVerdict(c, d, offered) };
}

export function predict(c: CombinationInput): { outcome: Outcome; observation: Observation } {
  const outcome = evaluate(c, { trace: false });
  const status = outcome.deviceStatus.reduce((s, name) => s | STATUS[name as keyof typeof STATUS], 0);
  const guestValue = Object.values(outcome.effective)[0] ?? null;
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

export { VERDICTS };
