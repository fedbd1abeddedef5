/**
 * Feature words. Virtio features are 64 bits but every transport moves them as 32-bit words
 * (PCI feature select, CCW READ_FEAT/WRITE_FEAT index, MMIO *FeaturesSel), so the engine keeps
 * them as two unsigned 32-bit halves: no BigInt and no allocation on the hot path.
 */
export interface FeatureWords {
  lo: number;
  hi: number;
}

/**
 * A pair of words; the engine makes every pair here, so that all share one V8 hidden class.
 * A word above 2^31 - 1 (`>>> 0` of a word with bit 31 set, such as a ring mask) is a double to
 * V8, not a small integer, and a field that held small integers until then is generalized to
 * double: the hidden class of every pair made before is deprecated, and optimized simulator code
 * meeting those pairs deoptimizes ("wrong map") and is compiled again, over and over
 * (`virtioDevProbe` and `readDeviceFeatures` 61 times in eight seed runs of one process, 2 times
 * since). Fields that start as doubles are never generalized.
 */
export function featureWords(lo = 0, hi = 0): FeatureWords {
  const words = { lo: 0.5, hi: 0.5 };
  words.lo = lo;
  words.hi = hi;
  return words;
}

export function emptyFeatures(): FeatureWords {
  return featureWords();
}

export function hasBit(f: FeatureWords, bit: number): boolean {
  return bit < 32 ? ((f.lo >>> bit) & 1) === 1 : ((f.hi >>> (bit - 32)) & 1) === 1;
}

export function setBit(f: FeatureWords, bit: number): void {
  if (bit < 32) f.lo = (f.lo | (1 << bit)) >>> 0;
  else f.hi = (f.hi | (1 << (bit - 32))) >>> 0;
}

export function clearBit(f: FeatureWords, bit: number): void {
  if (bit < 32) f.lo = (f.lo & ~(1 << bit)) >>> 0;
  else f.hi = (f.hi & ~(1 << (bit - 32))) >>> 0;
}

export function copyFeatures(to: FeatureWords, from: FeatureWords): void {
  to.lo = from.lo;
  to.hi = from.hi;
}

export function sameFeatures(a: FeatureWords, b: FeatureWords): boolean {
  return a.lo === b.lo && a.hi === b.hi;
}

/** `to = a & b` */
export function intersect(to: FeatureWords, a: FeatureWords, b: FeatureWords): void {
  to.lo = (a.lo & b.lo) >>> 0;
  to.hi = (a.hi & b.hi) >>> 0;
}

export function featuresFromBits(bits: readonly number[]): FeatureWords {
  const f = emptyFeatures();
  for (const bit of bits) setBit(f, bit);
  return f;
}

export function bitsOf(f: FeatureWords): number[] {
  const bits: number[] = [];
  for (let bit = 0; bit < 64; bit++) if (hasBit(f, bit)) bits.push(bit);
  return bits;
}

export function featureHex(f: FeatureWords): string {
  return '0x' + f.hi.toString(16).padStart(8, '0') + f.lo.toString(16).padStart(8, '0');
}
