-- CreateTable
CREATE TABLE "ProfileSet" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Matrix" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "spec" TEXT NOT NULL,
    "positions" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Run" (
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
    CONSTRAINT "Run_matrixId_fkey" FOREIGN KEY ("matrixId") REFERENCES "Matrix" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_profileHash_fkey" FOREIGN KEY ("profileHash") REFERENCES "ProfileSet" ("hash") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunShard" (
    "runId" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("runId", "index"),
    CONSTRAINT "RunShard_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Result" (
    "runId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "verdict" INTEGER NOT NULL,
    "negotiatedLo" INTEGER NOT NULL,
    "negotiatedHi" INTEGER NOT NULL,
    "clearedLo" INTEGER NOT NULL,
    "clearedHi" INTEGER NOT NULL,
    "effective" REAL NOT NULL,

    PRIMARY KEY ("runId", "position"),
    CONSTRAINT "Result_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Matrix_name_key" ON "Matrix"("name");

-- CreateIndex
CREATE INDEX "Run_matrixId_id_idx" ON "Run"("matrixId", "id");
