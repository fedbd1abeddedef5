-- Matrix.positions past 2^31 (a matrix is stored and listed at any size MAX_MATRIX_POSITIONS allows; runs stay within 2^31 - 1 positions).
-- AlterTable
ALTER TABLE "Matrix" ALTER COLUMN "positions" SET DATA TYPE BIGINT;
