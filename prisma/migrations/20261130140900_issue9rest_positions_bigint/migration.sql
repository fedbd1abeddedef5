-- Matrix.positions past 2^31 (a matrix is stored and listed at any size MAX_MATRIX_POSITIONS allows; runs stay within 2^31 - 1 positions).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Matrix" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "spec" TEXT NOT NULL,
    "positions" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Matrix" ("createdAt", "description", "id", "name", "positions", "spec", "updatedAt") SELECT "createdAt", "description", "id", "name", "positions", "spec", "updatedAt" FROM "Matrix";
DROP TABLE "Matrix";
ALTER TABLE "new_Matrix" RENAME TO "Matrix";
CREATE UNIQUE INDEX "Matrix_name_key" ON "Matrix"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
