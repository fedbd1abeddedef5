/**
 * Linux version strings: `4.10`, `5.15-rc5`, `5.14.14`. Ordering follows the release flow:
 * 5.15-rc5 < 5.15-rc6 < 5.15 < 5.15.1 < 5.16-rc1.
 */
export interface KernelVersion {
  major: number;
  minor: number;
  /** Release candidate number; `Infinity` for a final release (sorts after every rc). */
  rc: number;
  /** Stable release number (5.14.14 → 14); 0 for mainline tags. */
  stable: number;
  text: string;
}

const VERSION_RE = /^(\d+)\.(\d+)(?:-rc(\d+)|\.(\d+))?$/;

export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 2 || major > 9) return undefined;
  const rc = m[3] === undefined ? Infinity : Number(m[3]);
  if (rc === 0) return undefined;
  return { major, minor, rc, stable: m[4] === undefined ? 0 : Number(m[4]), text };
}

export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || compareRc(a.rc, b.rc) || a.stable - b.stable;
}

function compareRc(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Whether `kernel` carries a change that entered mainline at `mainline` and was backported to
 * the stable releases listed: `5.14.14` means every 5.14.y with y >= 14.
 */
export function kernelContains(kernel: KernelVersion, mainline: KernelVersion, stable: readonly KernelVersion[]): boolean {
  if (compareKernelVersions(kernel, mainline) >= 0) return true;
  return stable.some(
    (s) => s.major === kernel.major && s.minor === kernel.minor && kernel.rc === Infinity && kernel.stable >= s.stable,
  );
}
