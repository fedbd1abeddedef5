/**
 * The simulation of one combination: Linux's `virtio_dev_probe()` on the driver side, QEMU's
 * virtio core on the device side, a transport between them. `run()` reads like the kernel
 * function (spec §3.1.1 steps in order); kernel differences enter only as the compiled rules of
 * `cell.driver`. One Simulator is reused across runs: no allocation per run unless a Recorder
 * asks for strings.
 */
import { loadUint, type ByteOrder, type FieldWidth } from '../byteorder';
import type { Cell } from '../cell';
import { clearBit, copyFeatures, emptyFeatures, hasBit, sameFeatures, setBit, type FeatureWords } from '../features';
import type { CompiledCheck } from '../kernel';
import { STATUS, TRANSPORT_F_END, TRANSPORT_F_START, VIRTIO_F_VERSION_1 } from '../profiles/common-features';
import type { ConfigField, RangeCheck } from '../profiles/types';
import { QemuDevice } from './device';
import { guestValuesOf, type CompiledGuestValue } from './guest-values';
import type { Phase, Recorder } from './recorder';
import { TransportLink } from './transport';
import { BROKEN, DEGRADED, OK, PROBE_FAILED, type VerdictCode } from './verdict';

const MAX_GUEST_VALUES = 8;

/** Bits VIRTIO_TRANSPORT_F_START..END - 1 as words: a driver keeps them in one step, not bit by bit. */
const TRANSPORT_RANGE: FeatureWords = emptyFeatures();
for (let bit = TRANSPORT_F_START; bit < TRANSPORT_F_END; bit++) setBit(TRANSPORT_RANGE, bit);

export class Simulator {
  readonly device = new QemuDevice();
  readonly link = new TransportLink(this.device);
  /** What the driver read as device features. */
  readonly deviceFeatures: FeatureWords = emptyFeatures();
  /** `dev->features`: what the driver believes is negotiated. */
  readonly features: FeatureWords = emptyFeatures();
  /** Offered features `validate()` dropped because of a config value. */
  readonly clearedInValidate: FeatureWords = emptyFeatures();
  /** Features `validate()` dropped by guest policy (not a sign of trouble). */
  readonly clearedByPolicy: FeatureWords = emptyFeatures();
  /** Values the guest uses after probe, by index into `cell.device.guestValues`. */
  readonly effective = new Float64Array(MAX_GUEST_VALUES);
  /** Why probing failed (a Linux error message), or null. */
  failure: string | null = null;
  verdict: VerdictCode = OK;
  private readonly snapshot: FeatureWords = emptyFeatures();
  private cell!: Cell;
  /** `guestValuesOf(cell.device)`, looked up when the device changes rather than three times a run. */
  private values: readonly CompiledGuestValue[] = [];
  private valuesOf: Cell['device'] | null = null;
  private rec: Recorder | null = null;

  run(cell: Cell, rec: Recorder | null = null): VerdictCode {
    this.cell = cell;
    this.rec = rec;
    this.failure = null;
    this.clearedInValidate.lo = this.clearedInValidate.hi = 0;
    this.clearedByPolicy.lo = this.clearedByPolicy.hi = 0;
    this.features.lo = this.features.hi = 0;
    this.deviceFeatures.lo = this.deviceFeatures.hi = 0;
    // Linux's defaults until probe() reads a value: a combination that fails earlier must not
    // report the value of the one evaluated before it.
    if (cell.device !== this.valuesOf) {
      this.valuesOf = cell.device;
      this.values = guestValuesOf(cell.device);
    }
    const { values } = this;
    for (let i = 0; i < values.length; i++) this.effective[i] = values[i].value.linuxDefault;
    this.device.attach(cell);
    // No driver gets going at all (register_virtio_device never runs): the status stays untouched.
    this.failure = this.link.setup(cell, rec);
    if (this.failure === null) {
      this.failure = this.virtioDevProbe();
      if (this.failure !== null) this.addStatus(STATUS.FAILED);
    }
    if (this.failure !== null && rec) rec.step('probe', 'driver', 'FAILED', this.failure);
    this.verdict = this.judge();
    return this.verdict;
  }

  /** drivers/virtio/virtio.c: register_virtio_device() + virtio_dev_probe(), once the transport is set up. Returns an error or null. */
  private virtioDevProbe(): string | null {
    const { cell, rec } = this;
    const driver = cell.driver;
    this.link.reset(rec);
    this.addStatus(STATUS.ACKNOWLEDGE);
    this.addStatus(STATUS.DRIVER);

    this.link.readDeviceFeatures(this.deviceFeatures, rec);
    const offersVersion1 = hasBit(this.deviceFeatures, VIRTIO_F_VERSION_1);

    // 2f9a174f918e: "Some devices detect legacy solely via F_VERSION_1": write it alone first.
    if (driver.writeBackVersion1BeforeValidate && driver.hasValidate && cell.arch.endian === 'big' && offersVersion1) {
      this.features.lo = 0;
      this.features.hi = 1; // VERSION_1 alone
      if (rec) rec.step('features', 'driver', 'write-back VERSION_1', `${driver.coreRuleFrom.writeBackVersion1BeforeValidate}: big-endian guest, driver has validate, device offers VERSION_1`);
      this.link.finalizeFeatures(this.features, driver.ringMasks[cell.transport], rec); // return value ignored, as in Linux
    }

    const table = offersVersion1 ? driver.featureTable : driver.featureTableLegacy;
    this.features.lo = (table.lo & this.deviceFeatures.lo) >>> 0;
    this.features.hi = (table.hi & this.deviceFeatures.hi) >>> 0;
    this.preserveTransportFeatures();
    if (rec) rec.step('features', 'driver', 'compute-features', `${offersVersion1 ? 'feature_table' : 'feature_table_legacy'} & device features, transport bits kept`);

    // 4fa59ede9519: acknowledge all features before any config access.
    if (driver.finalizeBeforeValidate) {
      const err = this.link.finalizeFeatures(this.features, driver.ringMasks[cell.transport], rec);
      if (err) return err;
    }
    if (driver.hasValidate) {
      copyFeatures(this.snapshot, this.features);
      const err = this.validate();
      if (err) return err;
      // "Did validation change any features? Then write them again."
      if (driver.finalizeBeforeValidate && !sameFeatures(this.snapshot, this.features)) {
        const again = this.link.finalizeFeatures(this.features, driver.ringMasks[cell.transport], rec);
        if (again) return again;
      }
    }
    if (!driver.finalizeBeforeValidate) {
      const err = this.link.finalizeFeatures(this.features, driver.ringMasks[cell.transport], rec);
      if (err) return err;
    }
    const featuresOk = this.featuresOk();
    if (featuresOk) return featuresOk;
    const probeErr = this.probe();
    if (probeErr) return probeErr;
    this.addStatus(STATUS.DRIVER_OK);
    return null;
  }

  /** "Transport features always preserved to pass to finalize_features." */
  private preserveTransportFeatures(): void {
    this.features.lo = (this.features.lo | (this.deviceFeatures.lo & TRANSPORT_RANGE.lo)) >>> 0;
    this.features.hi = (this.features.hi | (this.deviceFeatures.hi & TRANSPORT_RANGE.hi)) >>> 0;
  }

  /** The driver's `validate` callback: config reads before FEATURES_OK. */
  private validate(): string | null {
    const steps = this.cell.driver.validate;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      switch (step.kind) {
        case 'requireVersion1':
          if (!hasBit(this.features, VIRTIO_F_VERSION_1)) return step.message;
          break;
        case 'policyClear':
          if (hasBit(this.features, step.featureBit)) {
            clearBit(this.features, step.featureBit);
            setBit(this.clearedByPolicy, step.featureBit);
            if (this.rec) this.rec.step('validate', 'driver', 'clear-feature', step.message);
          }
          break;
        case 'check': {
          const check = step.check;
          if (!hasBit(this.features, check.featureBit)) break;
          const value = this.readConfigValue(check.field, check.fieldIndex, 'validate');
          if (!this.rejects(check.reject, value)) break;
          if (check.action === 'failProbe') return check.message;
          clearBit(this.features, check.featureBit);
          setBit(this.clearedInValidate, check.featureBit);
          if (this.rec) this.rec.step('validate', 'driver', 'clear-feature', `${check.message} (read ${value})`);
          break;
        }
      }
    }
    return null;
  }

  /** virtio_features_ok(): legacy devices skip it; a device that refuses leaves the bit clear. */
  private featuresOk(): string | null {
    if (!hasBit(this.features, VIRTIO_F_VERSION_1)) return null;
    this.addStatus(STATUS.FEATURES_OK);
    const status = this.link.getStatus();
    if (this.rec) this.rec.step('features_ok', 'driver', 're-read status', `status 0x${status.toString(16)}`);
    if ((status & STATUS.FEATURES_OK) === 0) return 'virtio: device refuses features';
    return null;
  }

  /**
   * The driver's `probe()` after FEATURES_OK: each guest value is read once if negotiated,
   * the probe checks on that field run against the read, and the value (or Linux's default) is used.
   */
  private probe(): string | null {
    const { cell } = this;
    const { values } = this;
    const checks = cell.driver.probeChecks;
    for (let i = 0; i < values.length; i++) {
      const gv = values[i];
      // effective[i] holds Linux's default since run() began: kept unless the read is used.
      if (!hasBit(this.features, gv.featureBit)) continue;
      const value = this.readConfigValue(cell.device.config[gv.fieldIndex], gv.fieldIndex, 'probe');
      let use = true;
      for (let j = 0; j < checks.length; j++) {
        const check = checks[j];
        if (check.fieldIndex !== gv.fieldIndex || !this.rejects(check.reject, value)) continue;
        if (check.action === 'failProbe') {
          if (check.afterFindVqs) this.link.deleteVirtqueues(this.rec);
          return `${check.message}: ${value}`;
        }
        clearBit(this.features, check.featureBit);
        use = false;
        if (this.rec) this.rec.step('probe', 'driver', 'clear-feature', `${check.message} (read ${value})`);
      }
      if (use) this.effective[i] = value;
    }
    return this.otherProbeChecks(checks);
  }

  /** Probe checks on fields that are not guest values (none in the shipped data, kept for new rules). */
  private otherProbeChecks(checks: readonly CompiledCheck[]): string | null {
    const { values } = this;
    for (let j = 0; j < checks.length; j++) {
      const check = checks[j];
      if (values.some((gv) => gv.fieldIndex === check.fieldIndex) || !hasBit(this.features, check.featureBit)) continue;
      const value = this.readConfigValue(check.field, check.fieldIndex, 'probe');
      if (!this.rejects(check.reject, value)) continue;
      if (check.action === 'failProbe') return `${check.message}: ${value}`;
      clearBit(this.features, check.featureBit);
    }
    return null;
  }

  /** virtio_cread16/32: transport `get` copies bytes, then `virtioNN_to_cpu()` decodes them. */
  private readConfigValue(field: ConfigField, fieldIndex: number, phase: Phase): number {
    this.link.readConfig();
    const order = this.driverByteOrder();
    const value = loadUint(this.device.view, field.offset, field.width as FieldWidth, order);
    if (this.rec) {
      const truth = this.cell.configValues[fieldIndex];
      this.rec.configRead(phase, field, this.device.config, field.offset, value, typeof truth === 'number' ? truth : '');
      this.rec.step(phase, 'driver', `virtio_cread${field.width * 8}(${field.name})`, `device filled ${this.device.configByteOrder()}-endian, driver decodes ${order}-endian: ${value}`);
    }
    return value;
  }

  /** virtio_is_little_endian(): VERSION_1 in the driver's own features, or a little-endian CPU. */
  private driverByteOrder(): ByteOrder {
    return hasBit(this.features, VIRTIO_F_VERSION_1) || this.cell.arch.endian === 'little' ? 'little' : 'big';
  }

  private rejects(range: RangeCheck, value: number): boolean {
    const max = range.max === 'PAGE_SIZE' ? this.cell.pageSize : range.max;
    return value < range.min || value > max || (range.powerOf2 === true && !isPowerOf2(value));
  }

  private addStatus(bit: number): void {
    this.link.setStatus(this.link.getStatus() | bit);
    if (this.rec) this.rec.step('status', 'driver', 'add-status', `${statusName(bit)} → status 0x${this.link.getStatus().toString(16)}`);
  }

  /** PROBE_FAILED, then BROKEN (a guest value the device cannot live with), then DEGRADED, else OK. */
  private judge(): VerdictCode {
    if (this.failure !== null) return PROBE_FAILED;
    const { cell, values } = this;
    for (let i = 0; i < values.length; i++) {
      const gv = values[i];
      if (!gv.value.bindsWithoutFeature && !hasBit(cell.hostFeatures, gv.featureBit)) continue;
      const truth = cell.configValues[gv.fieldIndex] as number;
      const used = this.effective[i];
      if (gv.value.breaksWhen === 'differs' ? used !== truth : used > truth) return BROKEN;
    }
    if ((this.clearedInValidate.lo | this.clearedInValidate.hi) !== 0) return DEGRADED;
    return OK;
  }
}

export function isPowerOf2(value: number): boolean {
  return value > 0 && Number.isInteger(Math.log2(value));
}

function statusName(bit: number): string {
  for (const [name, value] of Object.entries(STATUS)) if (value === bit) return name;
  return `0x${bit.toString(16)}`;
}
