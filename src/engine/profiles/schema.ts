/**
 * The rule vocabulary as a versioned schema: what a Linux patch or a QEMU change may say, checked
 * the same way for the built-in profile data and for definitions users pass in. Version 1 is the
 * shape of `KernelPatch` / `QemuChange` in types.ts; `schemas/*.v1.json` is generated from here
 * (`npm run schemas`) and a test fails when the committed file is stale. A change that refuses
 * a definition v1 accepted is a v2.
 */
import { z } from 'zod';
import { configField, DEVICE_NAMES, featureBit } from '../catalog';
import { DEVICES } from './devices';
import { parseKernelVersion } from './linux/versions';
import type { DeviceName, KernelPatch, QemuChange } from './types';

export const SCHEMA_VERSION = 1;

/** What an id may be: it stands in values (`5.13+ID`), URLs and log lines, so no separators, spaces or control characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ID_RULE = 'expected an id of letters, digits, ".", "_" or "-" (no "+"), at most 64 characters';

const text = (what: string) => z.string({ error: `expected ${what} (a string)` }).min(1, { error: `expected ${what}, not an empty string` });
const kernelVersion = z
  .string({ error: 'expected a Linux version such as 5.14-rc7, 5.15 or 5.14.14' })
  .regex(/^\d+\.\d+(?:-rc\d+|\.\d+)?$/, { error: 'expected a Linux version such as 5.14-rc7, 5.15 or 5.14.14' })
  .refine((v) => parseKernelVersion(v) !== undefined, { error: 'expected a Linux version such as 5.14-rc7, 5.15 or 5.14.14' });
const number = z.number({ error: 'expected a number' });
const device = z.enum(DEVICE_NAMES as [DeviceName, ...DeviceName[]], { error: `expected a device: ${DEVICE_NAMES.join(', ')}` });

const cited = {
  source: text('where the behaviour comes from: commit, file@commit, list message').describe(
    'Where the behaviour comes from: commit id, repo path@commit, spec section or mailing-list message.',
  ),
  unverified: z.string().optional().describe('Set when this could not be confirmed; says what is assumed.'),
};

export const rangeCheckSchema = z
  .object({
    min: number,
    max: z.union([number, z.literal('PAGE_SIZE')], { error: 'expected a number or "PAGE_SIZE"' }),
    powerOf2: z.boolean().optional().describe('`!is_power_of_2(value)` also rejects (blk_validate_block_size).'),
  })
  .strict()
  .describe('Linux `value < min || value > max` rejects; max may be the guest page size.');

const configCheck = z
  .object({
    kind: z.literal('configCheck'),
    id: z.string().optional().describe('Names the rule so that a later patch can remove it alone (`removes`).'),
    device,
    phase: z.enum(['validate', 'probe'], { error: 'expected "validate" (before FEATURES_OK) or "probe" (after)' }),
    field: text('a config field name such as blk_size'),
    whenFeature: text('the feature that makes the check run'),
    reject: rangeCheckSchema,
    action: z.enum(['clearFeature', 'failProbe'], { error: 'expected "clearFeature" or "failProbe"' }),
    afterFindVqs: z.boolean().optional().describe('A probe check after the virtqueues exist: failing it deletes them.'),
    message: text('the message the driver logs'),
  })
  .strict()
  .describe('In validate() (before FEATURES_OK) or probe() (after): read a config field, reject a range.');

export const driverRuleSchema = z.discriminatedUnion(
  'kind',
  [
    configCheck,
    z.object({ kind: z.literal('policyClear'), device, feature: text('a feature name'), message: text('the message the driver logs') }).strict()
      .describe('validate() drops a feature by guest policy, no config read.'),
    z.object({ kind: z.literal('requireVersion1'), device, message: text('the message the driver logs') }).strict()
      .describe('validate() fails unless VERSION_1 was negotiated.'),
    z.object({ kind: z.literal('acceptFeature'), device, feature: text('a feature name'), modernOnly: z.boolean().optional() }).strict()
      .describe("The driver's feature table gains a feature (both tables unless modernOnly)."),
    z.object({ kind: z.literal('dropFeature'), device, feature: text('a feature name') }).strict()
      .describe("The driver's feature tables lose a feature."),
  ],
  { error: 'expected kind: configCheck, policyClear, requireVersion1, acceptFeature or dropFeature' },
);

export const coreRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('validateHook') }).strict().describe('404123c2db79: drivers may have a validate callback, run before FEATURES_OK.'),
    z.object({ kind: z.literal('writeBackVersion1BeforeValidate') }).strict()
      .describe('2f9a174f918e: on big-endian guests, write VERSION_1 alone before validate() if offered.'),
    z.object({ kind: z.literal('finalizeBeforeValidate') }).strict()
      .describe('4fa59ede9519: finalize_features() with all features before validate(), again if it changed any.'),
  ],
  { error: 'expected kind: validateHook, writeBackVersion1BeforeValidate or finalizeBeforeValidate' },
);

export const kernelPatchSchema = z
  .object({
    id: z
      .string({ error: 'expected an id (a string)' })
      .regex(ID_PATTERN, { error: ID_RULE })
      .describe('Commit id (12 hex digits) for a built-in patch; any name without "+" for a proposed one.'),
    title: text('a title'),
    mainline: kernelVersion.describe('First mainline tag that contains it, e.g. 5.15-rc6; for a proposed patch, the release it targets.'),
    stable: z.array(kernelVersion, { error: 'expected a list of stable releases (may be empty)' })
      .describe('Stable releases that carry a backport: that branch from that release on.'),
    role: z.enum(['change', 'fix'], { error: 'expected "change" or "fix"' })
      .describe('`fix`: one of the remedies for the 2021 regression, dropped by the pre-fix strategy.'),
    remedy: z.enum(['revert', 'write-back', 'ack-all'], { error: 'expected "revert", "write-back" or "ack-all"' }).optional()
      .describe('The strategy that chooses this fix.'),
    removes: z.array(text('a patch or rule id')).optional().describe('Patches (or configCheck rule ids) whose rules this one removes.'),
    driver: z.array(driverRuleSchema, { error: 'expected a list of driver rules' }).optional(),
    core: z.array(coreRuleSchema, { error: 'expected a list of core rules' }).optional(),
    ...cited,
  })
  .strict()
  .superRefine((patch, ctx) => {
    if (patch.remedy && patch.role !== 'fix') ctx.addIssue({ code: 'custom', path: ['remedy'], message: 'only a patch with role "fix" names a remedy' });
    patch.driver?.forEach((rule, i) => {
      const at = (key: string) => ['driver', i, key];
      const known = (name: string) => featureBit(rule.device, name) !== undefined;
      const unknownFeature = (name: string) => `unknown feature ${name} for ${rule.device}`;
      if (rule.kind === 'configCheck') {
        if (!configField(DEVICES[rule.device], rule.field)) {
          ctx.addIssue({ code: 'custom', path: at('field'), message: `unknown config field ${rule.field} for ${rule.device}; see docs/devices.md` });
        }
        if (!known(rule.whenFeature)) ctx.addIssue({ code: 'custom', path: at('whenFeature'), message: unknownFeature(rule.whenFeature) });
      } else if (rule.kind === 'policyClear' || rule.kind === 'acceptFeature' || rule.kind === 'dropFeature') {
        if (!known(rule.feature)) ctx.addIssue({ code: 'custom', path: at('feature'), message: unknownFeature(rule.feature) });
      }
    });
  })
  .describe(`A Linux patch as virtio-matrix models it (kernel-patch schema v${SCHEMA_VERSION}).`);

const featureList = z.array(text('a feature name'), { error: 'expected a list of feature names' });
const deviceList = z.array(device, { error: 'expected a list of device names' });

export const qemuChangeSchema = z
  .object({
    id: text('an id').describe('Commit id for a built-in change; any name without "+" for a proposed one (qemu-X.Y+ID applies it).'),
    title: text('a title'),
    release: z.string().optional().describe('First QEMU release that contains it; absent for an unmerged what-if.'),
    effect: z.enum(['enforceLegacyAllowed', 'earlyModernDetect'], { error: 'expected "enforceLegacyAllowed" or "earlyModernDetect"' }).optional()
      .describe('enforceLegacyAllowed: modern-only devices refuse legacy/transitional; earlyModernDetect: VERSION_1 in guest_features at a modern reset.'),
    offers: z.array(
      z.object({ device, add: featureList.optional(), remove: featureList.optional() }).strict(),
      { error: 'expected a list of { device, add?, remove? }' },
    ).optional().describe("Features the device model offers by default, added or removed (a property's default changed)."),
    configByteOrder: z.enum(['guestFeatures', 'modernInterface'], { error: 'expected "guestFeatures" or "modernInterface"' }).optional()
      .describe('guestFeatures: little endian once the driver wrote VERSION_1 (QEMU as released); modernInterface: little endian on any modern-interface access (the spec).'),
    legacyAllowed: z.object({ add: deviceList.optional(), remove: deviceList.optional() }).strict().optional()
      .describe('Devices added to or removed from virtio_legacy_allowed().'),
    ...cited,
  })
  .strict()
  .superRefine((change, ctx) => {
    if (!change.effect && !change.offers && !change.configByteOrder && !change.legacyAllowed) {
      ctx.addIssue({ code: 'custom', path: ['effect'], message: 'a change needs at least one of effect, offers, configByteOrder, legacyAllowed' });
    }
    // Which offers entry added a feature to a device: adding and removing it in one change says nothing.
    const added = new Map<string, number>();
    change.offers?.forEach((offer, i) => {
      for (const key of ['add', 'remove'] as const) {
        offer[key]?.forEach((name, j) => {
          if (featureBit(offer.device, name) === undefined) ctx.addIssue({ code: 'custom', path: ['offers', i, key, j], message: `unknown feature ${name} for ${offer.device}` });
        });
      }
      offer.add?.forEach((name) => added.set(`${offer.device}|${name}`, i));
    });
    change.offers?.forEach((offer, i) => {
      offer.remove?.forEach((name, j) => {
        const at = added.get(`${offer.device}|${name}`);
        if (at !== undefined) ctx.addIssue({ code: 'custom', path: ['offers', i, 'remove', j], message: `${name} for ${offer.device} is also added (offers.${at}.add): a change adds or removes a feature, not both` });
      });
    });
    change.legacyAllowed?.remove?.forEach((device, j) => {
      if (change.legacyAllowed?.add?.includes(device)) ctx.addIssue({ code: 'custom', path: ['legacyAllowed', 'remove', j], message: `${device} is also in legacyAllowed.add: a change allows or forbids legacy, not both` });
    });
  })
  .describe(`A QEMU change as virtio-matrix models it (qemu-change schema v${SCHEMA_VERSION}).`);

// The schemas state the types in types.ts, no more and no less.
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
type PatchOut = z.output<typeof kernelPatchSchema>;
const patchKeys: Same<keyof PatchOut, keyof KernelPatch> = true;
const patchAssignable: PatchOut extends KernelPatch ? true : false = true;
const driverKinds: Same<NonNullable<PatchOut['driver']>[number]['kind'], NonNullable<KernelPatch['driver']>[number]['kind']> = true;
const coreKinds: Same<NonNullable<PatchOut['core']>[number]['kind'], NonNullable<KernelPatch['core']>[number]['kind']> = true;
const changeKeys: Same<keyof z.output<typeof qemuChangeSchema>, keyof QemuChange> = true;
const changeAssignable: z.output<typeof qemuChangeSchema> extends QemuChange ? true : false = true;
void [patchKeys, patchAssignable, driverKinds, coreKinds, changeKeys, changeAssignable];

/** A definition that does not fit the schema: where (`driver.0.reject.min`) and why. */
export class DefinitionError extends Error {
  readonly code = 'INVALID_DEFINITION';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'DefinitionError';
  }
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, whole: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keys = (issue as { keys?: string[] }).keys;
  const path = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' && keys ? [keys[0]] : [])].join('.') || whole;
  const reason = issue.code === 'unrecognized_keys' ? `unknown key; ${whole} schema v${SCHEMA_VERSION} does not define it` : issue.message;
  throw new DefinitionError(path, reason);
}

/** Check one kernel patch definition; throws DefinitionError naming the first bad part. */
export function parseKernelPatch(input: unknown): KernelPatch {
  return parseWith(kernelPatchSchema, input, 'kernel-patch');
}

export function parseQemuChange(input: unknown): QemuChange {
  return parseWith(qemuChangeSchema, input, 'qemu-change');
}
