/**
 * The stored form of a shard's results: one blob per range of positions, as columns. A shard's
 * cells share few distinct outcomes (feature words and effective value), so each position keeps
 * its verdict byte and an index into a dictionary of the outcomes the shard saw. The one place
 * that writes and reads the format.
 *
 * Format 1: byte 0 the format, then deflate-raw of
 *   u32 from, u32 count, u32 outcomes (little endian);
 *   outcomes × (u32 negotiatedLo, u32 negotiatedHi, u32 clearedLo, u32 clearedHi, f64 effective);
 *   count × u8 verdict (SKIPPED where the position holds no result);
 *   count × outcome index, 1, 2 or 4 bytes each as the outcome count needs (0 where skipped).
 * Verdicts come before the indices so that a grid is read without touching the rest.
 *
 * A succeeded run also keeps its whole grid (a verdict byte per position) in Run.grid, deflated
 * behind the byte GRID_FORMAT. Earlier versions stored it raw; a raw grid starts with a verdict
 * (0-3) or SKIPPED, never with GRID_FORMAT, so both are read.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SKIPPED } from '../engine';
import type { ResultBatch, StoredResult } from '../runs/types';

export const RESULT_BLOB_FORMAT = 1;
export const GRID_FORMAT = 0x10;
const HEADER = 12;
const OUTCOME_BYTES = 24;

/** Thrown for a blob this version cannot read (a newer format, or damaged). */
export class ResultBlobError extends Error {}

function indexWidth(outcomes: number): 1 | 2 | 4 {
  return outcomes <= 0x100 ? 1 : outcomes <= 0x10000 ? 2 : 4;
}

/**
 * Distinct outcomes by open addressing over typed arrays: a shard has up to 100,000 positions, and a Map
 * keyed by a string would build one string per cell.
 */
class OutcomeDictionary {
  size = 0;
  words = new Uint32Array(4 * 64);
  effective = new Float64Array(64);
  private slots = new Int32Array(256).fill(-1);

  indexOf(nLo: number, nHi: number, cLo: number, cHi: number, effective: number): number {
    const mask = this.slots.length - 1;
    let h = Math.imul(nLo ^ Math.imul(nHi, 0x9e3779b1) ^ Math.imul(cLo, 0x85ebca6b) ^ Math.imul(cHi, 0xc2b2ae35) ^ (effective | 0), 0x27d4eb2f);
    for (h = (h ^ (h >>> 15)) & mask; ; h = (h + 1) & mask) {
      const i = this.slots[h];
      if (i < 0) break;
      const w = i * 4;
      if (this.words[w] === nLo && this.words[w + 1] === nHi && this.words[w + 2] === cLo && this.words[w + 3] === cHi && this.effective[i] === effective) return i;
    }
    const i = this.size++;
    if (i === this.effective.length) this.grow();
    this.words.set([nLo, nHi, cLo, cHi], i * 4);
    this.effective[i] = effective;
    this.slots[h] = i;
    // Half full at most, so probes stay short.
    if (this.size * 2 > this.slots.length) this.rehash();
    return i;
  }

  private grow(): void {
    const words = new Uint32Array(this.words.length * 2);
    words.set(this.words);
    this.words = words;
    const effective = new Float64Array(this.effective.length * 2);
    effective.set(this.effective);
    this.effective = effective;
  }

  private rehash(): void {
    const old = { size: this.size, words: this.words, effective: this.effective };
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.size = 0;
    for (let i = 0; i < old.size; i++) this.indexOf(old.words[i * 4], old.words[i * 4 + 1], old.words[i * 4 + 2], old.words[i * 4 + 3], old.effective[i]);
  }
}

/** The blob of positions [from, to): the batch's results, every other position skipped. */
export function encodeResults(from: number, to: number, batch: ResultBatch): Uint8Array<ArrayBuffer> {
  const count = to - from;
  const verdicts = new Uint8Array(count).fill(SKIPPED);
  const indices = new Uint32Array(count);
  const outcomes = new OutcomeDictionary();
  const { negotiatedLo, negotiatedHi, clearedLo, clearedHi, effective } = batch;
  for (let i = 0; i < batch.length; i++) {
    const at = batch.positions[i] - from;
    if (at < 0 || at >= count) throw new RangeError(`position ${batch.positions[i]} is outside [${from}, ${to})`);
    verdicts[at] = batch.verdicts[i];
    indices[at] = outcomes.indexOf(negotiatedLo[i], negotiatedHi[i], clearedLo[i], clearedHi[i], effective[i]);
  }
  const width = indexWidth(outcomes.size);
  const payload = Buffer.alloc(HEADER + outcomes.size * OUTCOME_BYTES + count * (1 + width));
  payload.writeUInt32LE(from, 0);
  payload.writeUInt32LE(count, 4);
  payload.writeUInt32LE(outcomes.size, 8);
  let o = HEADER;
  for (let i = 0; i < outcomes.size; i++, o += OUTCOME_BYTES) {
    for (let w = 0; w < 4; w++) payload.writeUInt32LE(outcomes.words[i * 4 + w], o + w * 4);
    payload.writeDoubleLE(outcomes.effective[i], o + 16);
  }
  payload.set(verdicts, o);
  o += count;
  const packed = width === 1 ? Uint8Array.from(indices) : width === 2 ? Uint16Array.from(indices) : indices;
  // Typed arrays are little endian on every platform Node supports.
  payload.set(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), o);
  const body = deflateRawSync(payload);
  const blob = new Uint8Array(1 + body.length);
  blob[0] = RESULT_BLOB_FORMAT;
  blob.set(body, 1);
  return blob;
}

/** A decoded blob: its range, its verdict column, and each position's outcome. */
export class DecodedResults {
  constructor(
    readonly from: number,
    readonly verdicts: Uint8Array,
    private readonly indices: Uint8Array | Uint16Array | Uint32Array,
    private readonly words: Uint32Array,
    private readonly effective: Float64Array,
  ) {}

  get to(): number {
    return this.from + this.verdicts.length;
  }

  /** Bytes held, for caches that count them. */
  get bytes(): number {
    return this.verdicts.byteLength + this.indices.byteLength + this.words.byteLength + this.effective.byteLength;
  }

  /** The result stored at a position, or null where the blob holds none. */
  at(position: number): StoredResult | null {
    const at = position - this.from;
    if (at < 0 || at >= this.verdicts.length || this.verdicts[at] === SKIPPED) return null;
    const i = this.indices[at];
    const w = i * 4;
    const effective = this.effective[i];
    return {
      position, verdict: this.verdicts[at], negotiated: { lo: this.words[w], hi: this.words[w + 1] },
      cleared: { lo: this.words[w + 2], hi: this.words[w + 3] }, effective: effective < 0 ? null : effective,
    };
  }
}

function inflate(blob: Uint8Array): Buffer {
  if (blob.length === 0 || blob[0] !== RESULT_BLOB_FORMAT) {
    throw new ResultBlobError(`result blob of format ${blob[0] ?? 'none'}: this version reads format ${RESULT_BLOB_FORMAT}`);
  }
  const payload = inflateRawSync(blob.subarray(1));
  if (payload.length < HEADER) throw new ResultBlobError('result blob shorter than its header');
  return payload;
}

function layout(payload: Buffer) {
  const from = payload.readUInt32LE(0);
  const count = payload.readUInt32LE(4);
  const outcomes = payload.readUInt32LE(8);
  const verdictsAt = HEADER + outcomes * OUTCOME_BYTES;
  const width = indexWidth(outcomes);
  if (payload.length !== verdictsAt + count * (1 + width)) throw new ResultBlobError(`result blob of ${payload.length} bytes does not hold ${count} positions`);
  return { from, count, outcomes, verdictsAt, width };
}

/** Only the range and the verdict column: what a grid needs. */
export function decodeVerdicts(blob: Uint8Array): { from: number; verdicts: Uint8Array } {
  const payload = inflate(blob);
  const { from, count, verdictsAt } = layout(payload);
  return { from, verdicts: payload.subarray(verdictsAt, verdictsAt + count) };
}

export function decodeResults(blob: Uint8Array): DecodedResults {
  const payload = inflate(blob);
  const { from, count, outcomes, verdictsAt, width } = layout(payload);
  const words = new Uint32Array(outcomes * 4);
  const effective = new Float64Array(outcomes);
  for (let i = 0, o = HEADER; i < outcomes; i++, o += OUTCOME_BYTES) {
    for (let w = 0; w < 4; w++) words[i * 4 + w] = payload.readUInt32LE(o + w * 4);
    effective[i] = payload.readDoubleLE(o + 16);
  }
  const at = verdictsAt + count;
  // Copied into aligned arrays: the payload's offsets need not be multiples of the width.
  const raw = payload.subarray(at, at + count * width);
  const aligned = new Uint8Array(raw);
  const indices = width === 1 ? aligned : width === 2 ? new Uint16Array(aligned.buffer) : new Uint32Array(aligned.buffer);
  return new DecodedResults(from, new Uint8Array(payload.subarray(verdictsAt, at)), indices, words, effective);
}

/** A run's verdict grid as Run.grid keeps it. */
export function encodeGrid(grid: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(GRID_FORMAT), deflateRawSync(grid)]);
}

export function decodeGrid(stored: Uint8Array): Uint8Array {
  if (stored.length === 0 || stored[0] !== GRID_FORMAT) return stored;
  const grid = inflateRawSync(stored.subarray(1));
  return new Uint8Array(grid.buffer, grid.byteOffset, grid.byteLength);
}
