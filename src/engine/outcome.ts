/**
 * Outcomes: what one combination ends with, in the CLI's and API's JSON shape, built from a
 * Simulator after a run with an OutcomeRecorder attached.
 */
import { toHex } from './byteorder';
import { featureName } from './catalog';
import type { Cell } from './cell';
import type { Combination } from './combination';
import { bitsOf, featureHex, hasBit, type FeatureWords } from './features';
import { statusNames } from './profiles/common-features';
import type { ConfigField, DeviceName } from './profiles/types';
import { guestValuesOf } from './sim/guest-values';
import type { Phase, Recorder } from './sim/recorder';
import type { Simulator } from './sim/simulator';
import { VERDICTS, type Verdict } from './sim/verdict';

export interface ConfigRead {
  field: string;
  /** The bytes the driver received, hex in offset order. */
  bytes: string;
  /** What the driver decoded. */
  driverValue: number | string;
  /** What the device meant. */
  deviceValue: number | string;
}

export interface TraceStep {
  seq: number;
  phase: Phase;
  actor: 'driver' | 'device' | 'transport';
  action: string;
  detail: string;
}

export interface Outcome {
  combination: Combination & { pageSize: number };
  verdict: Verdict;
  /** Features the driver ends with (`dev->features`), Linux names. */
  negotiated: string[];
  /** Features the device offered as the driver saw them (a legacy interface shows only bits 0-31). */
  offered: string[];
  /** QEMU's host_features: everything the device model offers, on every feature word. */
  hostFeatures: string[];
  clearedInValidate: string[];
  validateReads: ConfigRead[];
  probeReads: ConfigRead[];
  /** Values the guest uses after probe, e.g. `{ logical_block_size: 512 }`. */
  effective: Record<string, number>;
  /** Final device status bits. */
  deviceStatus: string[];
  /** Linux patches in effect for this kernel and strategy. */
  patches: string[];
  reasons: string[];
  trace?: TraceStep[];
}

/** Collects config reads always, trace steps when asked. */
export class OutcomeRecorder implements Recorder {
  readonly validateReads: ConfigRead[] = [];
  readonly probeReads: ConfigRead[] = [];
  readonly trace: TraceStep[] = [];

  constructor(private readonly withTrace: boolean) {}

  step(phase: Phase, actor: TraceStep['actor'], action: string, detail: string): void {
    if (this.withTrace) this.trace.push({ seq: this.trace.length + 1, phase, actor, action, detail });
  }

  configRead(phase: Phase, field: ConfigField, bytes: Uint8Array, offset: number, driverValue: number | string, deviceValue: number | string): void {
    const read = { field: field.name, bytes: toHex(bytes, offset, field.width), driverValue, deviceValue };
    (phase === 'validate' ? this.validateReads : this.probeReads).push(read);
  }
}

export function featureNames(device: DeviceName, f: FeatureWords): string[] {
  return bitsOf(f).map((bit) => featureName(device, bit));
}

export function buildOutcome(combination: Combination, cell: Cell, sim: Simulator, rec: OutcomeRecorder): Outcome {
  const device = cell.device.name;
  const effective: Record<string, number> = {};
  guestValuesOf(cell.device).forEach((gv, i) => {
    effective[gv.value.name] = sim.effective[i];
  });
  const verdict = VERDICTS[sim.verdict];
  const outcome: Outcome = {
    combination: { ...combination, pageSize: cell.pageSize },
    verdict,
    negotiated: featureNames(device, sim.features),
    offered: featureNames(device, sim.deviceFeatures),
    hostFeatures: featureNames(device, cell.hostFeatures),
    clearedInValidate: featureNames(device, sim.clearedInValidate),
    validateReads: rec.validateReads,
    probeReads: rec.probeReads,
    effective,
    deviceStatus: statusNames(sim.device.status),
    patches: [...cell.driver.patches],
    reasons: reasons(cell, sim, rec),
  };
  if (rec.trace.length > 0) outcome.trace = rec.trace;
  return outcome;
}

/** Short sentences a person reads: what was misread, what was dropped, what breaks. */
function reasons(cell: Cell, sim: Simulator, rec: OutcomeRecorder): string[] {
  const out: string[] = [];
  for (const read of rec.validateReads) {
    if (read.driverValue !== read.deviceValue) {
      out.push(`validate() read ${read.field} as ${read.driverValue} (bytes ${read.bytes}) but the device meant ${read.deviceValue}: ` +
        'the device filled config before it saw VIRTIO_F_VERSION_1, in a byte order the driver did not decode.');
    }
  }
  for (const name of featureNames(cell.device.name, sim.clearedInValidate)) out.push(`validate() cleared ${name}.`);
  if (sim.failure) out.push(`Probe failed: ${sim.failure}.`);
  guestValuesOf(cell.device).forEach((gv, i) => {
    const truth = cell.configValues[gv.fieldIndex];
    if (!gv.value.bindsWithoutFeature && !hasBit(cell.hostFeatures, gv.featureBit)) return;
    if (sim.failure === null && sim.effective[i] !== truth) {
      out.push(`The guest uses ${gv.value.name} ${sim.effective[i]}; the device's ${gv.value.field} is ${truth}.`);
    }
  });
  if (out.length === 0) out.push('The driver read every config value as the device meant it.');
  out.push(`Device offered ${featureHex(cell.hostFeatures)}; driver ended with ${featureHex(sim.features)}.`);
  if (cell.driver.extrapolated !== null) out.push(cell.driver.extrapolated);
  return out;
}
