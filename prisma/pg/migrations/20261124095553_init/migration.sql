-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "ProfileSet" (
    "hash" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProfileSet_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "Matrix" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "spec" TEXT NOT NULL,
    "positions" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Matrix_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "grid" BYTEA,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunShard" (
    "runId" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "RunShard_pkey" PRIMARY KEY ("runId","index")
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
    "effective" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "Result_pkey" PRIMARY KEY ("runId","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "Matrix_name_key" ON "Matrix"("name");

-- CreateIndex
CREATE INDEX "Run_matrixId_id_idx" ON "Run"("matrixId", "id");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_matrixId_fkey" FOREIGN KEY ("matrixId") REFERENCES "Matrix"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_profileHash_fkey" FOREIGN KEY ("profileHash") REFERENCES "ProfileSet"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunShard" ADD CONSTRAINT "RunShard_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Result" ADD CONSTRAINT "Result_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
