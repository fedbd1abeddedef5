-- CreateTable
CREATE TABLE "KernelArtifact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "arch" TEXT NOT NULL,
    "linux" TEXT NOT NULL,
    "strategy" TEXT,
    "bytes" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ProbeResult" (
    "runId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "observed" TEXT,
    "predicted" TEXT,
    "agree" BOOLEAN,
    "differences" TEXT,
    "failure" TEXT,
    "failureReason" TEXT,
    "attempts" INTEGER NOT NULL,
    "seconds" REAL NOT NULL,
    "console" BLOB NOT NULL,

    PRIMARY KEY ("runId", "position"),
    CONSTRAINT "ProbeResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "matrixId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "profileHash" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "cellsTotal" INTEGER NOT NULL,
    "cellsDone" INTEGER NOT NULL DEFAULT 0,
    "ok" INTEGER NOT NULL DEFAULT 0,
    "degraded" INTEGER NOT NULL DEFAULT 0,
    "broken" INTEGER NOT NULL DEFAULT 0,
    "probeFailed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT,
    "grid" BLOB,
    "disagreements" INTEGER NOT NULL DEFAULT 0,
    "guestFailures" INTEGER NOT NULL DEFAULT 0,
    "infraFailures" INTEGER NOT NULL DEFAULT 0,
    "kernelId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'engine',
    "skipReasons" TEXT,
    CONSTRAINT "Run_matrixId_fkey" FOREIGN KEY ("matrixId") REFERENCES "Matrix" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_profileHash_fkey" FOREIGN KEY ("profileHash") REFERENCES "ProfileSet" ("hash") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_kernelId_fkey" FOREIGN KEY ("kernelId") REFERENCES "KernelArtifact" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("broken", "cellsDone", "cellsTotal", "createdAt", "degraded", "error", "finishedAt", "grid", "id", "matrixId", "ok", "probeFailed", "profileHash", "skipped", "spec", "startedAt", "status", "trigger") SELECT "broken", "cellsDone", "cellsTotal", "createdAt", "degraded", "error", "finishedAt", "grid", "id", "matrixId", "ok", "probeFailed", "profileHash", "skipped", "spec", "startedAt", "status", "trigger" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_matrixId_id_idx" ON "Run"("matrixId", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
