/**
 * Feature words. Virtio features are 64 bits but every transport moves them as 32-bit words
 * (PCI feature select, CCW READ_FEAT/WRITE_FEAT index, MMIO *FeaturesSel), so the engine keeps
 * them as two unsigned 32-bit halves: no BigInt and no allocation on the hot path.
 */
export interface FeatureWords {
  lo: number;
  hi: number;
}

export function emptyFeatures(): FeatureWords {
  return { lo: 0, hi: 0 };
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
