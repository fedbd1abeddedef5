/** Matrices: a name, a description and a value set per axis. The port the store implements. */
import type { MatrixSpec } from '../engine';

export interface MatrixRecord {
  id: number;
  name: string;
  description: string | null;
  spec: MatrixSpec;
  /** Positions, valid or not. */
  positions: number;
  createdAt: Date;
}

/** A page of matrices ordered by id. */
export interface MatrixPage {
  items: MatrixRecord[];
  hasNext: boolean;
  total: number;
}

export interface MatrixStore {
  byName(name: string): Promise<MatrixRecord | null>;
  byIds(ids: readonly number[]): Promise<Map<number, MatrixRecord>>;
  /** A page ordered by id, after the given id. */
  list(first: number, afterId: number | null): Promise<MatrixPage>;
  /** Stores a validated matrix; a name taken meanwhile (by a concurrent create) is a MatrixExistsError. */
  insert(matrix: Omit<MatrixRecord, 'id' | 'createdAt'>): Promise<MatrixRecord>;
}

export class MatrixExistsError extends Error {
  readonly code = 'MATRIX_EXISTS';
  constructor(readonly matrixName: string) {
    super(`a matrix named "${matrixName}" already exists`);
  }
}
